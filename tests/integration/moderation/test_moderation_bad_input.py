"""Input that once reached the database and answered 500 now answers a 4xx naming the field, storing nothing."""

from __future__ import annotations

import base64
import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import AuditEntry, Report, Site, SiteApiKey, WebhookEndpoint
from tests.integration.moderation.conftest import SeedComment, Team

BEYOND_BIGINT = 10**30


def cursor(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def audit_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"audit:{last_id}".encode()).decode()


QUEUE = "/v1/moderation/queue"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/moderation/queue?until=0001-01-01T00:00:00%2B23:00", "until"),
        ("/v1/moderation/queue?since=9999-12-31T23:59:59-23:00", "since"),
        ("/v1/moderation/audit?since=0001-01-01T00:00:00%2B23:00", "since"),
        ("/v1/moderation/audit?comment_id=" + str(BEYOND_BIGINT), "comment_id"),
        ("/v1/moderation/audit?cursor=" + audit_cursor(BEYOND_BIGINT), "cursor"),
        ("/v1/moderation/audit?cursor=" + audit_cursor(-1), "cursor"),
        (QUEUE + "?cursor=" + cursor({"sort": "oldest", "key": "2024-01-01T00:00:00Z", "id": BEYOND_BIGINT}), "cursor"),
        (QUEUE + "?sort=score&cursor=" + cursor({"sort": "score", "key": 1, "id": BEYOND_BIGINT}), "cursor"),
        (QUEUE + "?sort=score&cursor=" + cursor({"sort": "score", "key": 1, "id": True}), "cursor"),
        (QUEUE + "?cursor=" + cursor({"sort": "oldest", "key": "0001-01-01T00:00:00+14:00", "id": 1}), "cursor"),
    ],
)  # fmt: skip
def test_absurd_dates_and_cursors_answer_422_naming_the_field(
    client: FlaskClient, team: Team, path: str, field: str
) -> None:
    response = client.get(path, headers=Team.auth(team.alice))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_a_nul_in_a_decision_note_answers_422_and_decides_nothing(
    client: FlaskClient, team: Team, site: Site, seed_comment: SeedComment, sessions: sessionmaker[Session]
) -> None:
    comment_id = seed_comment(site.id)
    version = client.get(f"/v1/moderation/comments/{comment_id}", headers=Team.auth(team.alice)).json["version"]
    response = client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": "approve", "version": version, "note": "looks fine\x00"},
        headers=Team.auth(team.alice),
    )
    assert response.status_code == 422 and "note" in response.json["error"]["fields"]
    assert client.get(f"/v1/moderation/comments/{comment_id}", headers=Team.auth(team.alice)).json["status"] == "held"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approve")) == 0


def test_a_nul_in_admin_texts_answers_422_and_stores_nothing(
    client: FlaskClient, team: Team, sessions: sessionmaker[Session]
) -> None:
    admin = Team.auth(team.admin)
    key = client.post("/v1/admin/sites/demo/keys", json={"label": "backend\x00"}, headers=admin)
    hook = client.post(
        "/v1/admin/sites/demo/webhooks",
        json={"url": "https://example.com/h", "events": ["comment.held"], "description": "\x00"},
        headers=admin,
    )
    assert (key.status_code, hook.status_code) == (422, 422)
    assert "label" in key.json["error"]["fields"] and "description" in hook.json["error"]["fields"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SiteApiKey)) == 0
        assert session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_recovering_since_an_absurd_date_answers_422(client: FlaskClient, team: Team) -> None:
    admin = Team.auth(team.admin)
    endpoint = {"url": "https://example.com/h", "events": ["comment.held"]}
    created = client.post("/v1/admin/sites/demo/webhooks", json=endpoint, headers=admin).json
    response = client.post(
        f"/v1/admin/sites/demo/webhooks/{created['id']}/recover",
        json={"since": "0001-01-01T00:00:00+14:00"},
        headers=admin,
    )
    assert response.status_code == 422 and "since" in response.json["error"]["fields"]


def test_an_admin_cannot_take_over_an_account_that_works_on_other_sites(client: FlaskClient, team: Team) -> None:
    # bob moderates only `other`; demo's admin must not be able to mint him a token or reset his password.
    for body in ({"email": "bob@example.org", "token": True}, {"email": "bob@example.org", "password": "chosen-by-me"}):
        response = client.post("/v1/admin/sites/demo/moderators", json=body, headers=Team.auth(team.admin))
        assert response.status_code == 409 and response.json["error"]["code"] == "account_exists"
    assert client.get("/v1/moderation/queue?site=demo", headers=Team.auth(team.bob)).status_code == 404
    # Granting the existing account a role, with no credentials, still works.
    granted = client.post(
        "/v1/admin/sites/demo/moderators", json={"email": "bob@example.org"}, headers=Team.auth(team.admin)
    )
    assert granted.status_code == 201 and granted.json["token"] is None
    assert client.get("/v1/moderation/queue?site=demo", headers=Team.auth(team.bob)).status_code == 200


def test_a_nul_in_a_readers_report_answers_422_and_counts_nothing(
    client: FlaskClient, site: Site, seed_comment: SeedComment, sessions: sessionmaker[Session]
) -> None:
    comment_id = seed_comment(site.id, status="published", verdicts=())
    response = client.post(f"/v1/comments/{comment_id}/reports", json={"reason": "spam\x00"})
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0


def test_an_admin_cannot_demote_themselves_and_leave_the_site_without_one(client: FlaskClient, team: Team) -> None:
    demoted = client.post(
        "/v1/admin/sites/demo/moderators",
        json={"email": "admin@example.org", "role": "moderator"},
        headers=Team.auth(team.admin),
    )
    assert demoted.status_code == 409
    assert client.get("/v1/admin/sites/demo/keys", headers=Team.auth(team.admin)).status_code == 200
