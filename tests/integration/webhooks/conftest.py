"""A real HTTP receiver on 127.0.0.1 that verifies every webhook it gets, and an admin's token."""

from __future__ import annotations

import binascii
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook, WebhookVerificationError

from service.storage.accounts import create_moderator
from service.storage.models import Site


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool
    payload: Any


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Hold the request open until this is set (to kill a worker mid-delivery).
    hold: threading.Event | None = None


class Receiver:
    """Answers queued replies in order (then 200), and checks each signature with `Webhook.verify`."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.replies: list[Reply] = []
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver.lock:
                    receiver.received.append(Received(headers, body, *receiver.verify(body, headers)))
                    reply = receiver.replies.pop(0) if receiver.replies else Reply()
                if reply.hold is not None:
                    reply.hold.wait(30)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hooks", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def verify(self, body: bytes, headers: dict[str, str]) -> tuple[bool, Any]:
        for secret in self.secrets:
            try:
                return True, Webhook(secret).verify(body, headers)
            except (WebhookVerificationError, ValueError, binascii.Error):
                continue
        return False, None

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def admin_headers(sessions: sessionmaker[Session], site: Site) -> dict[str, str]:
    with sessions() as session, session.begin():
        token = create_moderator(session, "admin@example.com", site.name, role="admin", with_token=True).token
    return {"Authorization": f"Bearer {token}"}


def register(client: FlaskClient, headers: dict[str, str], receiver: Receiver, events: list[str], **extra: Any) -> Any:
    """Register the receiver as an endpoint of the demo site and teach it the secret."""
    response = client.post(
        "/v1/admin/sites/demo/webhooks", json={"url": receiver.url(), "events": events, **extra}, headers=headers
    )
    assert response.status_code == 201, response.json
    receiver.secrets.append(response.json["secret"])
    return response.json
