"""Decisions on real PostgreSQL: one winner under contention, safe retries, undo, claims, bulk."""

from __future__ import annotations

import threading

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import AuditEntry, Comment, Site
from tests.integration.moderation.conftest import SeedComment, Team

auth = Team.auth


def decide(client: FlaskClient, token: str, comment_id: int, action: str, version: int, **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "version": version, **extra},
        headers=auth(token),
    )


def decide_at_once(app: Flask, comment_id: int, version: int, *tokens: str) -> list[int]:
    """Send the same approval from several moderators released together; return the status codes."""
    barrier = threading.Barrier(len(tokens))
    answers: list[int] = []

    def act(token: str) -> None:
        own_client = app.test_client()
        barrier.wait()
        answers.append(decide(own_client, token, comment_id, "approve", version).status_code)

    threads = [threading.Thread(target=act, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(answers)


def test_two_moderators_deciding_at_once_one_wins_and_the_other_gets_409(
    app: Flask,
    client: FlaskClient,
    site: Site,
    team: Team,
    seed_comment: SeedComment,
    sessions: sessionmaker[Session],
) -> None:
    for _round in range(5):
        comment_id = seed_comment(site.id)
        version = client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.alice)).json["version"]
        assert decide_at_once(app, comment_id, version, team.alice, team.carol) == [200, 409]
        with sessions() as session:
            decisions = session.scalars(
                select(AuditEntry.actor_label).where(
                    AuditEntry.comment_id == comment_id, AuditEntry.actor_type == "moderator"
                )
            ).all()
        assert len(decisions) == 1


def test_a_retried_decision_answers_unchanged_and_a_stale_one_409(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id)
    first = decide(client, team.alice, comment_id, "spam", 2, note="pill campaign")
    assert first.status_code == 200, first.json
    assert first.json | {"changed": True} == {
        "id": comment_id,
        "action": "spam",
        "status": "rejected",
        "rejection_reason": "spam",
        "version": 3,
        "changed": True,
    }
    retry = decide(client, team.alice, comment_id, "spam", 2)
    assert retry.status_code == 200 and retry.json["changed"] is False and retry.json["version"] == 3
    stale = decide(client, team.carol, comment_id, "approve", 2)
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "stale_version"
    assert "version 3" in stale.json["error"]["message"]
    detail = client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.carol)).json
    assert [(a["actor"], a["action"], a["to_status"]) for a in detail["audit"]] == [
        ("filters", "seed", "held"),
        ("alice@example.org", "spam", "rejected"),
    ]
    assert detail["audit"][1]["note"] == "pill campaign"


def test_undo_returns_the_comment_to_the_queue(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id)
    assert decide(client, team.alice, comment_id, "reject", 2).json["rejection_reason"] == "abuse"
    assert client.post(f"/v1/moderation/comments/{comment_id}/undo", headers=auth(team.carol)).status_code == 409
    undone = client.post(f"/v1/moderation/comments/{comment_id}/undo", headers=auth(team.alice))
    assert undone.status_code == 200, undone.json
    assert undone.json["status"] == "held" and undone.json["rejection_reason"] is None
    queue = client.get("/v1/moderation/queue", headers=auth(team.alice)).json
    assert [item["id"] for item in queue["items"]] == [comment_id]
    again = client.post(f"/v1/moderation/comments/{comment_id}/undo", headers=auth(team.alice))
    assert again.status_code == 409


def test_a_claimed_comment_is_left_to_its_claimer_until_released(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id)
    claimed = client.post(f"/v1/moderation/comments/{comment_id}/claim", headers=auth(team.alice))
    assert claimed.status_code == 200 and claimed.json["claimed_by"] == "alice@example.org"
    queue = client.get("/v1/moderation/queue", headers=auth(team.carol)).json
    assert queue["items"][0]["claimed_by"] == "alice@example.org"

    blocked = client.post(f"/v1/moderation/comments/{comment_id}/claim", headers=auth(team.carol))
    assert blocked.status_code == 409 and "alice@example.org" in blocked.json["error"]["message"]
    assert decide(client, team.carol, comment_id, "approve", 2).json["error"]["code"] == "claimed"
    assert client.post(f"/v1/moderation/comments/{comment_id}/release", headers=auth(team.carol)).status_code == 409

    assert client.post(f"/v1/moderation/comments/{comment_id}/release", headers=auth(team.alice)).status_code == 200
    assert decide(client, team.carol, comment_id, "approve", 2).status_code == 200


def test_a_claim_that_expired_no_longer_blocks_others(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment, sessions: sessionmaker[Session]
) -> None:
    import datetime as dt

    comment_id = seed_comment(site.id)
    assert client.post(f"/v1/moderation/comments/{comment_id}/claim", headers=auth(team.alice)).status_code == 200
    with sessions() as session, session.begin():
        comment = session.get(Comment, comment_id)
        assert comment is not None and comment.claim_expires_at is not None
        comment.claim_expires_at -= dt.timedelta(hours=1)
    assert client.post(f"/v1/moderation/comments/{comment_id}/claim", headers=auth(team.carol)).status_code == 200


def test_bulk_decisions_answer_each_item(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    first, second, stale = seed_comment(site.id), seed_comment(site.id), seed_comment(site.id)
    foreign = seed_comment(team.other_site_id)
    response = client.post(
        "/v1/moderation/decisions",
        json={
            "decisions": [
                {"id": first, "action": "spam", "version": 2},
                {"id": second, "action": "approve", "version": 2},
                {"id": stale, "action": "approve", "version": 1},
                {"id": foreign, "action": "approve", "version": 2},
            ]
        },
        headers=auth(team.alice),
    )
    assert response.status_code == 200, response.json
    assert response.json["succeeded"] == 2 and response.json["failed"] == 2
    codes = [(r["id"], r["ok"], (r["error"] or {}).get("code")) for r in response.json["results"]]
    assert codes == [
        (first, True, None),
        (second, True, None),
        (stale, False, "stale_version"),
        (foreign, False, "not_found"),
    ]
    too_many = [{"id": first, "action": "approve", "version": 3}] * 501
    assert (
        client.post("/v1/moderation/decisions", json={"decisions": too_many}, headers=auth(team.alice)).status_code
        == 422
    )


def test_bad_decision_requests_get_clear_errors(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id)
    url = f"/v1/moderation/comments/{comment_id}/decision"
    assert client.post(url, json={"action": "approve", "version": 2}).status_code == 401
    assert client.post(url, json={"action": "approve", "version": 2}, headers=auth("sift_mod_nope")).status_code == 401
    bad_action = client.post(url, json={"action": "burn", "version": 2}, headers=auth(team.alice))
    assert bad_action.status_code == 422 and "action" in bad_action.json["error"]["fields"]
    no_version = client.post(url, json={"action": "approve"}, headers=auth(team.alice))
    assert no_version.status_code == 422 and "version" in no_version.json["error"]["fields"]
    assert (
        client.post(url, data="action=approve", headers=auth(team.alice), content_type="text/plain").status_code == 415
    )
    assert client.post(url, data="{", headers=auth(team.alice), content_type="application/json").status_code == 400
    assert decide(client, team.alice, 10**12, "approve", 1).status_code == 404
    bad_cursor = client.get("/v1/moderation/queue?cursor=zzz", headers=auth(team.alice))
    assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json["error"]["fields"]
    assert client.get("/v1/moderation/queue?status=nope", headers=auth(team.alice)).status_code == 422
    # Nothing above changed the comment.
    assert client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.alice)).json["version"] == 2


def test_session_requests_need_the_csrf_token(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment, sessions: sessionmaker[Session]
) -> None:
    from service.storage.models import Moderator

    comment_id = seed_comment(site.id)
    with sessions() as session:
        alice_id = session.scalar(select(Moderator.id).where(Moderator.email == "alice@example.org"))
    with client.session_transaction() as browser:
        browser["moderator_id"] = alice_id
        browser["csrf_token"] = "expected-token"
    assert client.get("/v1/moderation/queue").status_code == 200
    url = f"/v1/moderation/comments/{comment_id}/decision"
    forged = client.post(url, json={"action": "approve", "version": 2})
    assert forged.status_code == 403 and forged.json["error"]["code"] == "csrf_failed"
    accented = client.post(url, json={"action": "approve", "version": 2}, headers={"X-CSRF-Token": "expécted-token"})
    assert accented.status_code == 403 and accented.json["error"]["code"] == "csrf_failed"
    good = client.post(url, json={"action": "approve", "version": 2}, headers={"X-CSRF-Token": "expected-token"})
    assert good.status_code == 200
