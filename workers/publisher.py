"""Enqueue `moderation.moderate_comments` with one LPUSH: the intake's hot path.

Why our own code instead of Celery's `send_task`: on the intake, `send_task` cost about 1 ms of
CPU per comment (a signature, the publish signals, and a new Redis client that kombu's Redis
transport builds for every publish), more than the validation and the database insert together.
This writes the very message `send_task` would write — Celery's task protocol 2 inside kombu's
Redis envelope, on the default priority's list — in about 0.2 ms of the request's CPU. The format is pinned by
`tests/integration/test_publisher.py`, which compares it with `send_task`'s own message field by
field and has a real worker run it. Everything else (the sweeper, retries, webhooks) still goes
through Celery.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid

import redis

from service.observability.structured_logs import REQUEST_ID_HEADER
from workers import names

_ORIGIN = f"gen{os.getpid()}@{socket.gethostname()}"
# The task body of protocol 2: (args, kwargs, embed); only the id varies.
_EMBED = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}


def task_message(comment_id: int, request_id: str = "") -> bytes:
    """Return the broker message that runs `moderate_comment(comment_id)`."""
    return _message(names.MODERATE_COMMENT, [comment_id], request_id)


def batch_message(comment_ids: list[int], request_id: str = "") -> bytes:
    """Return the broker message that runs `moderate_comments(comment_ids)`."""
    return _message(names.MODERATE_COMMENTS, [comment_ids], request_id)


def _message(task: str, args: list[object], request_id: str) -> bytes:
    task_id = str(uuid.uuid4())
    body = json.dumps([args, {}, _EMBED]).encode()
    headers: dict[str, object] = {
        "lang": "py",
        "task": task,
        "id": task_id,
        "shadow": None,
        "eta": None,
        "expires": None,
        "group": None,
        "group_index": None,
        "retries": 0,
        "timelimit": [None, None],
        "root_id": task_id,
        "parent_id": None,
        "argsrepr": repr(args),
        "kwargsrepr": "{}",
        "origin": _ORIGIN,
        "ignore_result": None,
        "replaced_task_nesting": 0,
        "stamped_headers": None,
        "stamps": {},
    }
    if request_id:
        # What workers.observability._carry_request_id adds to Celery's own messages.
        headers[REQUEST_ID_HEADER] = request_id
    envelope = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": headers,
        "properties": {
            "correlation_id": task_id,
            "reply_to": "",
            "delivery_mode": 2,
            "delivery_info": {"exchange": "", "routing_key": names.QUEUE},
            "priority": 0,
            "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
        },
    }
    return json.dumps(envelope).encode()


def enqueue_moderation(client: redis.Redis, comments: list[tuple[int, str]], queue: str = names.QUEUE) -> None:
    """Queue the comments, each a (comment id, request id) pair, for the workers: one message, one LPUSH.

    One `moderate_comments` message for the group: a worker decides the comments stored together
    in one transaction, one Redis round trip and one task (see workers/tasks/moderation.py). The
    message carries the request id when it is one comment's; the worker logs each comment under
    the request id stored with it.
    """
    request_ids = {request_id for _, request_id in comments}
    carried = request_ids.pop() if len(request_ids) == 1 else ""
    client.lpush(queue, batch_message([comment_id for comment_id, _ in comments], carried))
