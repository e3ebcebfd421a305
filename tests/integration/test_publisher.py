"""The intake's own enqueue writes exactly the message Celery's `send_task` writes.

If a Celery or kombu upgrade changes the message, this fails before a worker ever sees the
difference. That real workers run these messages is shown by every journey test, whose
comments are all enqueued this way.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import redis

from config.settings import Settings
from service.observability.structured_logs import REQUEST_ID_HEADER, bind_request_id, unbind_request_id
from workers import names
from workers.publisher import batch_message, enqueue_moderation, task_message
from workers.queue import make_celery

# Unique per message or per process, so compared by kind rather than by value.
_VARYING_HEADERS = {"id", "root_id", "origin"}
_VARYING_PROPERTIES = {"correlation_id", "delivery_tag", "reply_to"}


def _celery_message(
    settings: Settings, client: redis.Redis, comment_id: int | list[int], task: str = names.MODERATE_COMMENT
) -> dict[str, Any]:
    """What `send_task` writes, on a list of its own so a running worker does not take it."""
    queue = "sift-test:publisher"
    client.delete(queue)
    make_celery(settings).send_task(task, args=[comment_id], queue=queue)
    raw = client.rpop(queue)
    assert raw is not None
    message: dict[str, Any] = json.loads(raw)
    message["properties"]["delivery_info"]["routing_key"] = names.QUEUE
    return message


@pytest.mark.parametrize("batch", [False, True], ids=["one comment", "a group"])
def test_the_message_matches_send_task(settings: Settings, redis_client: redis.Redis, batch: bool) -> None:
    bind_request_id("req-0123456789")
    try:
        if batch:
            theirs = _celery_message(settings, redis_client, [42, 43, 44], names.MODERATE_COMMENTS)
            ours = json.loads(batch_message([42, 43, 44], "req-0123456789"))
        else:
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


def test_a_group_is_queued_as_one_message_carrying_a_request_id_only_when_it_is_one_comments(
    redis_client: redis.Redis,
) -> None:
    queue = "sift-test:groups"  # a list no worker consumes, read back below
    redis_client.delete(queue)
    enqueue_moderation(redis_client, [(7, "req-a"), (8, "req-b"), (9, "req-c")], queue=queue)
    enqueue_moderation(redis_client, [(10, "req-d")], queue=queue)
    raw = redis_client.lrange(queue, 0, -1)
    redis_client.delete(queue)
    single, group = (json.loads(message) for message in raw)  # LPUSH: the latest first
    assert json.loads(base64.b64decode(group["body"]))[0] == [[7, 8, 9]]
    assert group["headers"]["task"] == names.MODERATE_COMMENTS
    assert REQUEST_ID_HEADER not in group["headers"]
    assert json.loads(base64.b64decode(single["body"]))[0] == [[10]]
    assert single["headers"][REQUEST_ID_HEADER] == "req-d"
