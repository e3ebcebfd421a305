"""The intake's own enqueue writes exactly the message Celery's `send_task` writes.

If a Celery or kombu upgrade changes the message, this fails before a worker ever sees the
difference. That real workers run these messages is shown by every journey test, whose
comments are all enqueued this way.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import redis

from config.settings import Settings
from service.observability.structured_logs import REQUEST_ID_HEADER, bind_request_id, unbind_request_id
from workers import names
from workers.publisher import task_message
from workers.queue import make_celery

# Unique per message or per process, so compared by kind rather than by value.
_VARYING_HEADERS = {"id", "root_id", "origin"}
_VARYING_PROPERTIES = {"correlation_id", "delivery_tag", "reply_to"}


def _celery_message(settings: Settings, client: redis.Redis, comment_id: int) -> dict[str, Any]:
    """What `send_task` writes, on a list of its own so a running worker does not take it."""
    queue = "sift-test:publisher"
    client.delete(queue)
    make_celery(settings).send_task(names.MODERATE_COMMENT, args=[comment_id], queue=queue)
    raw = client.rpop(queue)
    assert raw is not None
    message: dict[str, Any] = json.loads(raw)
    message["properties"]["delivery_info"]["routing_key"] = names.QUEUE
    return message


def test_the_message_matches_send_task(settings: Settings, redis_client: redis.Redis) -> None:
    bind_request_id("req-0123456789")
    try:
        theirs = _celery_message(settings, redis_client, 42)
        ours = json.loads(task_message(42, "req-0123456789"))
    finally:
        unbind_request_id()

    assert base64.b64decode(ours["body"]) == base64.b64decode(theirs["body"])
    assert {k: v for k, v in ours.items() if k not in ("headers", "properties", "body")} == {
        k: v for k, v in theirs.items() if k not in ("headers", "properties", "body")
    }
    assert ours["headers"].keys() == theirs["headers"].keys()
    for key, value in theirs["headers"].items():
        if key not in _VARYING_HEADERS:
            assert ours["headers"][key] == value, key
    assert ours["headers"][REQUEST_ID_HEADER] == "req-0123456789"
    assert ours["headers"]["root_id"] == ours["headers"]["id"] == ours["properties"]["correlation_id"]
    assert ours["properties"].keys() == theirs["properties"].keys()
    for key, value in theirs["properties"].items():
        if key not in _VARYING_PROPERTIES:
            assert ours["properties"][key] == value, key


def test_each_message_has_its_own_task_id() -> None:
    first, second = json.loads(task_message(1)), json.loads(task_message(1))
    assert first["headers"]["id"] != second["headers"]["id"]
    assert first["properties"]["delivery_tag"] != second["properties"]["delivery_tag"]
    assert REQUEST_ID_HEADER not in first["headers"]
