"""Webhooks sent by real Celery processes: a worker, beat's dispatcher, and a worker killed mid-delivery."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site, WebhookDelivery, WebhookEndpoint, utcnow
from service.storage.outbox import record_test_event
from tests.integration.webhooks.conftest import Receiver, Reply, register
from tests.support import BIN, Process, start_worker, wait_for
from workers import names


def celery_process(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    return Process(name, [str(BIN / "celery"), "-A", "workers.celery_app", *args], env, log_dir).start()


@pytest.fixture
def beat(service_env: dict[str, str], tmp_root: Path) -> Iterator[Process]:
    schedule = tmp_root / f"beat-{uuid.uuid4().hex[:6]}"
    process = celery_process("beat", ["beat", "--loglevel", "INFO", "--schedule", str(schedule)], service_env, tmp_root)
    yield process
    process.stop()


def delivery_states(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(WebhookDelivery.state).order_by(WebhookDelivery.id)))


def test_a_published_comment_reaches_the_receiver_signed_through_beat_and_a_worker(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    worker: Process,
    beat: Process,
) -> None:
    register(client, admin_headers, receiver, ["comment.published", "comment.held"])
    posted = client.post("/v1/sites/demo/comments", json={"thread": "article-9", "body": "A fair point, well made."})
    assert posted.status_code == 202, posted.json

    wait_for(lambda: delivery_states(sessions) == ["succeeded"], timeout=30, what="webhook delivered")
    (request,) = receiver.received
    assert request.verified
    assert request.payload["type"] == "comment.published"
    assert request.payload["data"]["id"] == posted.json["id"]
    assert request.payload["data"]["thread"] == "article-9"
    assert set(request.payload) == {"type", "timestamp", "data"}


def test_a_test_event_is_sent_at_once_by_the_worker(
    client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver, worker: Process
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held"])
    queued = client.post(f"/v1/admin/sites/demo/webhooks/{created['id']}/test", headers=admin_headers)
    assert queued.status_code == 202
    wait_for(lambda: receiver.count() == 1, timeout=20, what="test event received")
    assert receiver.received[0].verified
    assert receiver.received[0].headers["webhook-id"] == queued.json["message_id"]
    assert receiver.received[0].payload["type"] == "webhook.test"


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_leaves_it_to_be_sent_after_restart(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    service_env: dict[str, str],
    tmp_root: Path,
) -> None:
    import threading

    from service.storage.outbox import claim_due

    created = register(client, admin_headers, receiver, ["comment.held"])
    with sessions() as session, session.begin():
        endpoint = session.get(WebhookEndpoint, created["id"])
        assert endpoint is not None
        delivery_id = record_test_event(session, endpoint).id
    # Lease it as the dispatcher would, but briefly, so the test need not wait the full lease out.
    with sessions() as session, session.begin():
        ((claimed_id, lease),) = claim_due(session, utcnow(), lease_seconds=3)
    assert claimed_id == delivery_id

    held = threading.Event()
    receiver.replies = [Reply(200, hold=held)]
    queue = f"webhooks-crash-{uuid.uuid4().hex[:6]}"
    doomed = celery_process(
        "doomed-worker",
        ["worker", "--pool", "solo", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"],
        service_env,
        tmp_root,
    )
    restarted: Process | None = None
    beat: Process | None = None
    try:
        wait_for(lambda: "ready." in doomed.log() or not doomed.alive, timeout=60, what="doomed worker ready")
        client.application.extensions["sift"].celery.send_task(
            names.DELIVER_WEBHOOK, args=[delivery_id, lease], queue=queue
        )
        wait_for(lambda: receiver.count() == 1, timeout=30, what="the first request reaching the receiver")
        doomed.kill()  # SIGKILL while the request is in flight
        held.set()
        assert delivery_states(sessions) == ["pending"]

        restarted = start_worker(service_env, tmp_root, name="restarted-worker")
        schedule = tmp_root / f"beat-{uuid.uuid4().hex[:6]}"
        beat = celery_process("beat", ["beat", "--schedule", str(schedule)], service_env, tmp_root)
        wait_for(lambda: delivery_states(sessions) == ["succeeded"], timeout=60, what="delivery after restart")
    finally:
        held.set()
        for process in (doomed, restarted, beat):
            if process is not None:
                process.stop()

    assert receiver.count() == 2
    assert all(request.verified for request in receiver.received)
    with sessions() as session:
        message_id = session.scalar(select(WebhookDelivery.message_id).where(WebhookDelivery.id == delivery_id))
    assert [request.headers["webhook-id"] for request in receiver.received] == [message_id, message_id]
    with sessions() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        assert delivery is not None
        assert [attempt.status_code for attempt in delivery.attempts] == [200]
