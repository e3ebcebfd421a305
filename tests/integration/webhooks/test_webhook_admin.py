"""The webhook admin API: endpoints, their secrets, validation, and who may touch them."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator, create_site
from service.storage.models import Notice, Site, WebhookDelivery, WebhookEndpoint
from tests.integration.webhooks.conftest import Receiver, register

BASE = "/v1/admin/sites/demo/webhooks"


def endpoint_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WebhookEndpoint)) or 0)


def test_the_secret_is_shown_once_and_never_listed(
    client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held", "comment.published", "comment.held"])
    assert created["secret"].startswith("whsec_")
    assert created["url"] == receiver.url() and created["enabled"] is True
    assert created["events"] == ["comment.published", "comment.held"]
    listed = client.get(BASE, headers=admin_headers).json["endpoints"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in client.get(f"{BASE}/{created['id']}", headers=admin_headers).json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://example.com/h", "events": ["comment.deleted"]}, "events.0"),
        ({"url": "https://example.com/h", "events": []}, "events"),
        ({"url": "https://example.com/h"}, "events"),
        ({"url": "gopher://example.com/h", "events": ["comment.held"]}, "url"),
        ({"url": "http://10.0.0.8/h", "events": ["comment.held"]}, "url"),
        ({"url": "http://[::ffff:169.254.169.254]/h", "events": ["comment.held"]}, "url"),
        ({"url": "x" * 2001, "events": ["comment.held"]}, "url"),
        ({"url": "https://example.com/h", "events": ["comment.held"], "secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_endpoints_answer_422_naming_the_field_and_store_nothing(
    client: FlaskClient, admin_headers: dict[str, str], sessions: sessionmaker[Session], body: dict, field: str
) -> None:
    response = client.post(BASE, json=body, headers=admin_headers)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert endpoint_count(sessions) == 0


def test_malformed_bodies_answer_400_or_415(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert client.post(BASE, data="{", headers=admin_headers, content_type="application/json").status_code == 400
    assert client.post(BASE, data="url=x", headers=admin_headers, content_type="text/plain").status_code == 415
    assert client.post(BASE, json=["a"], headers=admin_headers).status_code == 400


def test_only_the_sites_admins_see_its_webhooks(
    client: FlaskClient, admin_headers: dict[str, str], sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held"])
    with sessions() as session, session.begin():
        create_site(session, "other")
        moderator = create_moderator(session, "mod@example.com", "demo", role="moderator", with_token=True).token
        stranger = create_moderator(session, "boss@example.com", "other", role="admin", with_token=True).token
    assert client.get(BASE).status_code == 401
    for token in (moderator, stranger):
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get(BASE, headers=headers).status_code == 404
        assert client.get(f"{BASE}/{created['id']}", headers=headers).status_code == 404
        assert client.delete(f"{BASE}/{created['id']}", headers=headers).status_code == 404
    # Another site's admin cannot reach this endpoint through their own site either.
    headers = {"Authorization": f"Bearer {stranger}"}
    assert client.get(f"/v1/admin/sites/other/webhooks/{created['id']}", headers=headers).status_code == 404
    assert endpoint_count(sessions) == 1


def test_unknown_and_absurd_ids_are_404(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert client.get(f"{BASE}/12345", headers=admin_headers).status_code == 404
    assert client.get(f"{BASE}/{10**30}", headers=admin_headers).status_code == 404
    assert client.post(f"{BASE}/1/deliveries/{10**30}/resend", headers=admin_headers).status_code == 404
    assert client.get(f"{BASE}/abc", headers=admin_headers).json["error"]["code"] == "not_found"


def test_update_disable_enable_and_delete(
    client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver, sessions: sessionmaker[Session]
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held"])
    url = f"{BASE}/{created['id']}"
    changed = client.patch(url, json={"events": ["comment.rejected"], "description": "CRM"}, headers=admin_headers)
    assert changed.status_code == 200 and changed.json["events"] == ["comment.rejected"]
    disabled = client.patch(url, json={"enabled": False}, headers=admin_headers).json
    assert disabled["enabled"] is False and disabled["disabled_reason"] == "disabled by admin@example.com"
    assert client.post(f"{url}/test", headers=admin_headers).status_code == 409
    assert client.patch(url, json={"enabled": True}, headers=admin_headers).json["enabled"] is True
    assert client.patch(url, json={"url": "http://192.168.1.1/x"}, headers=admin_headers).status_code == 422
    assert client.patch(url, json={"enabled": "maybe"}, headers=admin_headers).status_code == 422
    assert client.get(url, headers=admin_headers).json["url"] == receiver.url()
    assert client.delete(url, headers=admin_headers).status_code == 204
    assert client.get(url, headers=admin_headers).status_code == 404
    assert endpoint_count(sessions) == 0


def test_rotation_validates_its_grace_period(
    client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held"])
    url = f"{BASE}/{created['id']}/rotate-secret"
    assert client.post(url, json={"grace_hours": -1}, headers=admin_headers).status_code == 422
    now = client.post(url, json={"grace_hours": 0}, headers=admin_headers).json
    assert now["previous_secret_expires_at"] is None and now["secret"] != created["secret"]
    later = client.post(url, json={"grace_hours": 2}, headers=admin_headers).json
    expires = dt.datetime.fromisoformat(later["previous_secret_expires_at"])
    assert dt.timedelta(hours=1, minutes=59) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=2)


def test_recover_requeues_failed_deliveries_since_a_time(
    client: FlaskClient, admin_headers: dict[str, str], receiver: Receiver, site: Site, sessions: sessionmaker[Session]
) -> None:
    created = register(client, admin_headers, receiver, ["comment.held"])
    queued = client.post(f"{BASE}/{created['id']}/test", headers=admin_headers)
    assert queued.status_code == 202 and queued.json["message_id"].startswith("msg_")
    with sessions() as session, session.begin():
        delivery = session.get(WebhookDelivery, queued.json["delivery_id"])
        assert delivery is not None
        delivery.state, delivery.next_attempt_at = "dead", None
    url = f"{BASE}/{created['id']}/recover"
    assert client.post(url, json={"since": "yesterday"}, headers=admin_headers).status_code == 422
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert client.post(url, json={"since": future}, headers=admin_headers).json == {"queued": 0}
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert client.post(url, json={"since": past}, headers=admin_headers).json == {"queued": 1}
    listed = client.get(f"{BASE}/{created['id']}/deliveries?state=pending", headers=admin_headers).json
    assert [d["id"] for d in listed["deliveries"]] == [queued.json["delivery_id"]]
    assert client.get(f"{BASE}/{created['id']}/deliveries?state=lost", headers=admin_headers).status_code == 422


def test_admins_read_their_sites_notices_newest_first_and_mark_them_read(
    client: FlaskClient, admin_headers: dict[str, str], sessions: sessionmaker[Session], site: Site
) -> None:
    with sessions() as session, session.begin():
        other = create_site(session, "other")
        outsider = create_moderator(session, "outsider@example.com", "other", role="admin", with_token=True).token
        helper = create_moderator(session, "helper@example.com", "demo", role="moderator", with_token=True).token
        session.add_all(
            [
                Notice(site_id=site.id, kind="webhook.endpoint_disabled", message="Endpoint 1 was disabled: HTTP 410."),
                Notice(site_id=site.id, kind="webhook.endpoint_disabled", message="Endpoint 2 was disabled: HTTP 410."),
                Notice(site_id=other.id, kind="webhook.endpoint_disabled", message="Not demo's business."),
            ]
        )
    listed = client.get("/v1/admin/sites/demo/notices", headers=admin_headers)
    assert listed.status_code == 200, listed.json
    newer, older = listed.json["notices"]
    assert "Endpoint 2" in newer["message"] and "Endpoint 1" in older["message"]
    assert newer["read_at"] is None and newer["kind"] == "webhook.endpoint_disabled"

    read = client.post(f"/v1/admin/sites/demo/notices/{older['id']}/read", headers=admin_headers)
    assert read.status_code == 200 and read.json["read_at"] is not None
    again = client.post(f"/v1/admin/sites/demo/notices/{older['id']}/read", headers=admin_headers)
    assert again.json["read_at"] == read.json["read_at"]
    unread = client.get("/v1/admin/sites/demo/notices?unread=true", headers=admin_headers).json["notices"]
    assert [notice["id"] for notice in unread] == [newer["id"]]

    # Other sites' admins, the site's plain moderators, and other sites' notice ids all see nothing.
    for token in (outsider, helper):
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/v1/admin/sites/demo/notices", headers=headers).status_code == 404
        assert client.post(f"/v1/admin/sites/demo/notices/{newer['id']}/read", headers=headers).status_code == 404
    with sessions() as session:
        foreign = session.scalar(select(Notice.id).where(Notice.site_id == other.id))
    for notice_id in (foreign, 10**30):
        assert client.post(f"/v1/admin/sites/demo/notices/{notice_id}/read", headers=admin_headers).status_code == 404
    assert client.get("/v1/admin/sites/demo/notices?limit=0", headers=admin_headers).status_code == 422
