"""The floor the intake is judged against: a bare Flask endpoint that parses the body and calls `.delay()`.

Run under the same gunicorn settings as the real API (`gunicorn bench.floor_app:app`). Its tasks go to
a queue no worker consumes, which the benchmark empties afterwards.
"""

from __future__ import annotations

import os

from celery import Celery
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

FLOOR_QUEUE = "bench-floor"

# `.get`: the load benchmark imports this module for FLOOR_QUEUE only; gunicorn runs it with REDIS_URL set.
celery = Celery("bench-floor", broker=os.environ.get("REDIS_URL"))
celery.conf.update(task_serializer="json", accept_content=["json"], task_ignore_result=True)


@celery.task(name="bench.floor_noop", queue=FLOOR_QUEUE)  # type: ignore[untyped-decorator]
def floor_noop(comment: dict[str, object]) -> None:
    """Never run: the floor measures the enqueue only."""


app = Flask(__name__)


@app.post("/floor")
def floor() -> ResponseReturnValue:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="bad body"), 400
    floor_noop.delay(data)
    return jsonify(status="received"), 202
