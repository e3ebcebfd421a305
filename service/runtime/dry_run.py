"""Ask a worker to run a site's real pipeline on a text, and wait for its answer."""

from __future__ import annotations

import json
import uuid
from typing import Any

from service.edge.errors import ApiError
from service.runtime.services import services
from workers import names


def run_dry(site_name: str, fields: dict[str, str], timeout_seconds: int = 10) -> dict[str, Any]:
    """Return the decision a site's pipeline makes on the fields; nothing is stored."""
    app = services()
    reply_key = f"sift:dry-run:{uuid.uuid4().hex}"
    app.celery.send_task(names.DRY_RUN, args=[site_name, fields, reply_key])
    # One-second waits: the shared client's socket timeout (2 s) must outlast each blocking call.
    for _ in range(timeout_seconds):
        reply = app.redis.blpop([reply_key], timeout=1)
        if reply is not None:
            result: dict[str, Any] = json.loads(reply[1])
            return result
    raise ApiError(503, "No worker answered the dry run in time.", headers={"Retry-After": "5"})
