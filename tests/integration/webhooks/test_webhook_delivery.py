"""Deliveries on the real database to a real receiver on 127.0.0.1, with the schedule's clock driven by the test."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from service.domain.statuses import Status
from service.storage.accounts import create_site
from service.storage.comments import SYSTEM, change_status
from service.storage.models import Comment, Notice, Site, WebhookDelivery, WebhookEndpoint, utcnow
from service.storage.outbox import record_attempt
from service.webhooks.delivery import make_client
from service.webhooks.schedule import AttemptResult
from service.webhooks.sender import deliver_one
from tests.integration.webhooks.conftest import Receiver, Reply, register
from workers.webhooks import new_secret


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with make_client() as client:
        yield client


def publish_comment(sessions: sessionmaker[Session], site_id: int, body: str = "Well argued.") -> int:
    """Publish a comment through the one status change, which writes its outbox rows."""
    with sessions() as session, session.begin():
        comment = Comment(site_id=site_id, thread="article-1", body=body, author_name="Ana")
        session.add(comment)
        session.flush()
        change_status(session, comment, Status.PUBLISHED, SYSTEM, action="publish")
        return comment.id


def only_delivery(sessions: sessionmaker[Session]) -> WebhookDelivery:
    with sessions() as session:
        return session.scalars(select(WebhookDelivery)).one()


def send(sessions: sessionmaker[Session], http: httpx.Client, delivery_id: int, at: dt.datetime, **kw: Any) -> str:
    return deliver_one(
        sessions, delivery_id, client=http, allow_loopback_sites=("demo",), clock=lambda: at, rng=random.Random(5), **kw
    )


def deliveries_of(client: FlaskClient, headers: dict[str, str], endpoint_id: int, **query: str) -> list[Any]:
    response = client.get(
        f"/v1/admin/sites/demo/webhooks/{endpoint_id}/deliveries", headers=headers, query_string=query
    )
    assert response.status_code == 200, response.json
    return list(response.json["deliveries"])


def test_receiver_failing_twice_then_succeeding_gets_three_signed_attempts_with_one_id(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    comment_id = publish_comment(sessions, site.id)
    receiver.replies = [Reply(500), Reply(503)]
    delivery = only_delivery(sessions)
    start = utcnow()

    assert send(sessions, http, delivery.id, start) == "failed"
    assert send(sessions, http, delivery.id, start) == "not-due"  # five seconds have not passed
    first_retry = only_delivery(sessions).next_attempt_at
    assert first_retry is not None
    assert dt.timedelta(seconds=4) <= first_retry - start <= dt.timedelta(seconds=6)

    assert send(sessions, http, delivery.id, first_retry) == "failed"
    second_retry = only_delivery(sessions).next_attempt_at
    assert second_retry is not None
    assert dt.timedelta(minutes=4) <= second_retry - first_retry <= dt.timedelta(minutes=6)

    assert send(sessions, http, delivery.id, second_retry) == "succeeded"

    assert receiver.count() == 3
    assert all(request.verified for request in receiver.received)
    assert {request.headers["webhook-id"] for request in receiver.received} == {delivery.message_id}
    payload = receiver.received[0].payload
    assert payload["type"] == "comment.published"
    assert payload["data"]["id"] == comment_id
    assert (payload["data"]["status"], payload["data"]["previous_status"]) == ("published", "received")
    assert payload["data"]["site"] == "demo" and payload["data"]["thread"] == "article-1"
    assert len({request.body for request in receiver.received}) == 1  # the same bytes every time

    (logged,) = deliveries_of(client, admin_headers, endpoint["id"])
    assert logged["state"] == "succeeded" and logged["message_id"] == delivery.message_id
    assert [attempt["status_code"] for attempt in logged["attempts"]] == [500, 503, 200]
    assert [attempt["error"] for attempt in logged["attempts"]] == ["HTTP 500", "HTTP 503", ""]
    assert logged["attempts"][2]["response_excerpt"] == "ok"


def test_gone_disables_the_endpoint_cancels_its_queue_and_tells_the_admins(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id, "first")
    publish_comment(sessions, site.id, "second")
    receiver.replies = [Reply(410)]
    with sessions() as session:
        first, second = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()

    assert send(sessions, http, first.id, utcnow()) == "dead"

    shown = client.get(f"/v1/admin/sites/demo/webhooks/{endpoint['id']}", headers=admin_headers).json
    assert shown["enabled"] is False and "410" in shown["disabled_reason"]
    assert [d["state"] for d in deliveries_of(client, admin_headers, endpoint["id"])] == ["cancelled", "dead"]
    assert send(sessions, http, second.id, utcnow()) == "not-due"
    with sessions() as session:
        notices = session.scalars(select(Notice.message).where(Notice.site_id == site.id)).all()
    assert len(notices) == 1 and "410" in notices[0]
    publish_comment(sessions, site.id, "third")  # a disabled endpoint gets nothing new
    assert len(deliveries_of(client, admin_headers, endpoint["id"])) == 2
    assert receiver.count() == 1


def test_retry_after_on_429_is_honoured(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id)
    receiver.replies = [Reply(429, {"Retry-After": "900"})]
    start = utcnow()
    assert send(sessions, http, only_delivery(sessions).id, start) == "failed"
    retry_at = only_delivery(sessions).next_attempt_at
    assert retry_at is not None and retry_at - start >= dt.timedelta(seconds=900)


def test_redirects_are_failures_and_not_followed(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id)
    receiver.replies = [Reply(302, {"Location": receiver.url("/elsewhere")})]
    assert send(sessions, http, only_delivery(sessions).id, utcnow()) == "failed"
    assert receiver.count() == 1 and receiver.received[0].verified
    (logged,) = deliveries_of(client, admin_headers, endpoint["id"])
    assert logged["attempts"][0]["status_code"] == 302
    assert "not followed" in logged["attempts"][0]["error"]


def test_an_endpoint_failing_for_five_days_is_disabled(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id)
    now = utcnow()
    with sessions() as session, session.begin():
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.failing_since = now - dt.timedelta(days=5, minutes=1)
    receiver.replies = [Reply(500)]
    assert send(sessions, http, only_delivery(sessions).id, now) == "dead"
    shown = client.get(f"/v1/admin/sites/demo/webhooks/{endpoint['id']}", headers=admin_headers).json
    assert shown["enabled"] is False and shown["disabled_reason"] == "every delivery failed for 5 days"
    with sessions() as session:
        assert session.scalar(select(Notice.kind).where(Notice.site_id == site.id)) == "webhook.endpoint_disabled"


def test_one_success_resets_the_failure_clock(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id)
    with sessions() as session, session.begin():
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.failing_since = utcnow() - dt.timedelta(days=4)
    assert send(sessions, http, only_delivery(sessions).id, utcnow()) == "succeeded"
    shown = client.get(f"/v1/admin/sites/demo/webhooks/{endpoint['id']}", headers=admin_headers).json
    assert shown["enabled"] is True and shown["failing_since"] is None


def add_endpoint(sessions: sessionmaker[Session], site_id: int, url: str) -> None:
    """Store an endpoint directly, as if its name resolved to a public address when it was registered."""
    with sessions() as session, session.begin():
        session.add(WebhookEndpoint(site_id=site_id, url=url, events=["comment.published"], secret=new_secret()))


def test_loopback_is_refused_for_a_site_not_on_the_allow_list(
    sessions: sessionmaker[Session], receiver: Receiver, http: httpx.Client, clean: None
) -> None:
    with sessions() as session, session.begin():
        other = create_site(session, "other")
    add_endpoint(sessions, other.id, receiver.url(host="localhost"))
    publish_comment(sessions, other.id)
    assert send(sessions, http, only_delivery(sessions).id, utcnow()) == "failed"
    assert receiver.count() == 0
    with sessions() as session:
        (attempt,) = session.scalars(select(WebhookDelivery)).one().attempts
    assert attempt.status_code is None and attempt.error.startswith("refused: localhost resolves only to addresses")


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "::ffff:192.168.0.1", "64:ff9b::a00:5"])
def test_a_name_rebound_to_a_private_address_is_refused_even_on_the_allow_listed_site(
    site: Site, sessions: sessionmaker[Session], http: httpx.Client, address: str
) -> None:
    add_endpoint(sessions, site.id, "http://hooks.example.com:8080/in")
    publish_comment(sessions, site.id)
    resolved: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return [address]

    # Were the guard to let it through, httpx would try to reach `address`; the guard must stop it first.
    assert send(sessions, http, only_delivery(sessions).id, utcnow(), resolve=resolver) == "failed"
    assert resolved == ["hooks.example.com"]
    with sessions() as session:
        (attempt,) = session.scalars(select(WebhookDelivery)).one().attempts
    assert attempt.error.startswith("refused:") and str(ipaddress.ip_address(address)) in attempt.error


def test_after_rotation_both_the_old_and_the_new_secret_verify(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    old_secret = receiver.secrets[0]
    rotated = client.post(f"/v1/admin/sites/demo/webhooks/{endpoint['id']}/rotate-secret", headers=admin_headers)
    assert rotated.status_code == 200, rotated.json
    new_secret_value = rotated.json["secret"]
    assert new_secret_value != old_secret and rotated.json["previous_secret_expires_at"] is not None
    publish_comment(sessions, site.id)
    assert send(sessions, http, only_delivery(sessions).id, utcnow()) == "succeeded"
    (request,) = receiver.received
    Webhook(old_secret).verify(request.body, request.headers)
    Webhook(new_secret_value).verify(request.body, request.headers)


def test_dead_deliveries_of_all_the_sites_endpoints_are_listed_together(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    http: httpx.Client,
) -> None:
    gone = register(client, admin_headers, receiver, ["comment.published"])
    healthy = client.post(
        "/v1/admin/sites/demo/webhooks",
        json={"url": receiver.url("/other-hooks"), "events": ["comment.published"]},
        headers=admin_headers,
    ).json
    with sessions() as session, session.begin():
        other = create_site(session, "other")
        session.add(
            WebhookEndpoint(
                site_id=other.id, url="https://example.com/h", events=["comment.published"], secret=new_secret()
            )
        )
    publish_comment(sessions, site.id)
    publish_comment(sessions, other.id)
    with sessions() as session, session.begin():
        # The other site's delivery is dead too, and must never show on demo's list.
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id.not_in([gone["id"], healthy["id"]]))
            .values(state="dead", next_attempt_at=None)
        )
        first = session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == gone["id"])).one()
    receiver.replies = [Reply(410)]
    assert send(sessions, http, first.id, utcnow()) == "dead"

    listed = client.get("/v1/admin/sites/demo/webhooks/deliveries?state=dead", headers=admin_headers)
    assert listed.status_code == 200, listed.json
    assert [(d["id"], d["endpoint_id"]) for d in listed.json["deliveries"]] == [(first.id, gone["id"])]
    assert listed.json["deliveries"][0]["attempts"][0]["status_code"] == 410
    everything = client.get("/v1/admin/sites/demo/webhooks/deliveries", headers=admin_headers).json["deliveries"]
    assert sorted(d["endpoint_id"] for d in everything) == sorted([gone["id"], healthy["id"]])
    assert client.get("/v1/admin/sites/demo/webhooks/deliveries?state=lost", headers=admin_headers).status_code == 422
    assert client.get("/v1/admin/sites/other/webhooks/deliveries", headers=admin_headers).status_code == 404


_WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
)


def test_an_attempt_recorded_while_an_admin_deletes_the_endpoint_waits_for_it_instead_of_deadlocking(
    client: FlaskClient,
    admin_headers: dict[str, str],
    site: Site,
    sessions: sessionmaker[Session],
    receiver: Receiver,
) -> None:
    endpoint = register(client, admin_headers, receiver, ["comment.published"])
    publish_comment(sessions, site.id)
    delivery_id = only_delivery(sessions).id
    with sessions() as probe:
        if probe.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: the two transactions cannot interleave")
    outcome: dict[str, object] = {}

    def record_a_failed_attempt() -> None:
        try:
            with sessions() as session, session.begin():
                failed = AttemptResult(status_code=500, latency_ms=3.0)
                outcome["state"] = record_attempt(session, delivery_id, failed, utcnow(), random.Random(1))
        except Exception as error:  # reported by the assertion below
            outcome["error"] = error

    # The admin's deletion as the route makes it: the endpoint's row locked first, then deleted
    # (which deletes its deliveries), while the worker records an attempt at one of them.
    with sessions() as admin, admin.begin():
        row = admin.get(WebhookEndpoint, endpoint["id"], with_for_update=True)
        worker = threading.Thread(target=record_a_failed_attempt)
        worker.start()
        with sessions() as watcher:
            for _ in range(200):
                waiting = watcher.scalar(_WAITING_FOR_A_LOCK)
                if waiting or not worker.is_alive():
                    break
                watcher.rollback()
                time.sleep(0.05)
        admin.delete(row)
    worker.join(timeout=30)

    assert outcome == {"state": "gone"}
    response = client.get(f"/v1/admin/sites/demo/webhooks/{endpoint['id']}", headers=admin_headers)
    assert response.status_code == 404
