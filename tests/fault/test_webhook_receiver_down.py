"""A webhook receiver down for a while: once it is back, deliveries resume, in the order of their schedule."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator
from service.storage.models import Site, WebhookDelivery, WebhookMessage
from tests.fault.conftest import start_beat
from tests.support import free_port, start_gunicorn, start_worker, wait_for


class Receiver(ThreadingHTTPServer):
    """A site's webhook endpoint on 127.0.0.1 that records the ids it received, in order."""

    def __init__(self, port: int) -> None:
        self.received: list[str] = []
        super().__init__(("127.0.0.1", port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(self.headers["webhook-id"])  # type: ignore[attr-defined]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def deliveries(sessions: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with sessions() as session:
        rows = session.execute(
            select(WebhookMessage.id, WebhookDelivery.state, WebhookDelivery.attempt_count)
            .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        ).all()
    return [(row[0], row[1], row[2]) for row in rows]


@pytest.mark.slow
def test_deliveries_resume_in_schedule_order_when_the_receiver_returns(
    private_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as session, session.begin():
        token = create_moderator(session, "ops@example.org", "demo", role="admin", with_token=True).token
    receiver_port = free_port()
    server, base_url = start_gunicorn(private_env, tmp_path, workers=1)
    # One consumer: deliveries due in the same dispatcher tick are otherwise sent in parallel, in any order.
    worker = start_worker(private_env, tmp_path, name="webhooks", concurrency=1)
    beat = start_beat(private_env, tmp_path)
    receiver: Receiver | None = None
    try:
        with httpx.Client(base_url=base_url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
            created = http.post(
                "/v1/admin/sites/demo/webhooks",
                json={"url": f"http://127.0.0.1:{receiver_port}/hook", "events": ["comment.published"]},
            )
            assert created.status_code == 201, created.text
            for n in range(5):
                posted = http.post("/v1/sites/demo/comments", json={"thread": "t", "body": f"Hook {n}."})
                assert posted.status_code == 202

        # The receiver is down: every delivery fails its first attempt and is rescheduled.
        wait_for(
            lambda: len(rows := deliveries(sessions)) == 5 and all(r[1] == "failed" and r[2] >= 1 for r in rows),
            timeout=60,
            interval=0.2,
            what="first attempts failed",
        )
        scheduled_order = [message_id for message_id, _state, _attempts in deliveries(sessions)]

        receiver = Receiver(receiver_port)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        wait_for(lambda: len(receiver.received) >= 5, timeout=60, what="deliveries resumed")  # type: ignore[union-attr]

        assert receiver.received == scheduled_order
        wait_for(
            lambda: {state for _id, state, _attempts in deliveries(sessions)} == {"succeeded"},
            what="every delivery recorded as succeeded",
        )
    finally:
        if receiver is not None:
            receiver.shutdown()
            receiver.server_close()
        for process in (beat, worker, server):
            process.stop()
