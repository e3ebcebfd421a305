"""Check before posting: a draft runs through the site's real pipeline, nothing is stored, and a
comment posted anyway after a warning says so to the moderators."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from service.storage.accounts import create_moderator
from service.storage.models import Comment, Site, Verdict
from tests.support import Process, wait_for

CHECK = "/v1/sites/demo/comments:check"
INSULT = "You are a pathetic idiot and everyone here knows it."
POLITE = "Thank you for the thoughtful article; I learned a lot about the budget."


def check(client: FlaskClient, body: str, **fields: object) -> Any:
    response = client.post(CHECK, json={"thread": "article-1", "body": body, **fields})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def comment_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Comment)) or 0)


def verdicts_of(sessions: sessionmaker[Session], comment_id: int) -> dict[str, Verdict]:
    def decided() -> dict[str, Verdict] | None:
        with sessions() as session:
            comment = session.get_one(Comment, comment_id)
            if comment.status == "received":
                return None
            return {verdict.filter_id: verdict for verdict in comment.verdicts}

    return wait_for(decided, what="comment decided")


def test_a_polite_draft_would_publish_without_a_warning(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    answer = check(client, POLITE)
    assert answer == {
        "action": "publish",
        "warn": False,
        "outcome": "Your comment would be published.",
        "reasons": [],
        "check_token": None,
    }
    assert comment_count(sessions) == 0


def test_an_insult_is_explained_in_a_readers_words_and_nothing_is_stored(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    answer = check(client, INSULT)
    assert answer["warn"] is True and answer["action"] in ("hold", "reject")
    assert answer["outcome"] in (
        "Your comment would wait for a moderator before it appears.",
        "Your comment would not be published.",
    )
    messages = [reason["message"] for reason in answer["reasons"]]
    assert "This reads as an insult aimed at another reader." in messages
    for reason in answer["reasons"]:
        assert reason["category"] in ("spam", "abuse")
        for start, end in reason["spans"]:
            assert 0 <= start < end <= len(INSULT)
    assert answer["check_token"]
    assert comment_count(sessions) == 0


def test_too_many_links_are_explained_first_as_what_decided(client: FlaskClient, site: Site, worker: Process) -> None:
    answer = check(client, "Deals at http://a.example http://b.example http://c.example")
    assert answer["action"] == "hold" and answer["warn"] is True
    assert answer["reasons"][0] == {
        "filter_id": "links",
        "category": "spam",
        "message": "This has more links than the site allows.",
        "spans": answer["reasons"][0]["spans"],
    }
    assert len(answer["reasons"][0]["spans"]) == 3


def test_a_draft_is_validated_like_a_comment(client: FlaskClient, site: Site) -> None:
    missing = client.post(CHECK, json={"thread": "t"})
    assert missing.status_code == 422 and "body" in missing.get_json()["error"]["fields"]
    assert client.post(CHECK, data="nope", content_type="application/json").status_code == 400
    assert client.post(CHECK, data="body=hi", content_type="application/x-www-form-urlencoded").status_code == 415
    unknown = client.post("/v1/sites/nowhere/comments:check", json={"thread": "t", "body": "hi"})
    assert unknown.status_code == 404


def test_a_comment_posted_anyway_carries_the_warning_to_the_moderators(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    token = check(client, INSULT)["check_token"]
    posted = client.post("/v1/sites/demo/comments", json={"thread": "article-1", "body": INSULT, "check_token": token})
    assert posted.status_code == 202
    comment_id = posted.get_json()["id"]
    verdicts = verdicts_of(sessions, comment_id)
    warned = verdicts["posted-after-warning"]
    assert warned.action == "publish" and warned.category == "abuse"
    assert "insults" in warned.reason and "unchanged since the warning" in warned.reason
    assert "insults" in verdicts, "the warning changes nothing of the decision"

    with sessions() as session, session.begin():
        moderator = create_moderator(session, "mod@example.org", "demo", role="moderator", with_token=True)
    headers = {"Authorization": f"Bearer {moderator.token}"}
    plain = post_plain(client, "Another insult: you are a pathetic idiot.")
    verdicts_of(sessions, plain)
    queue = client.get("/v1/moderation/queue?filter_id=posted-after-warning", headers=headers).get_json()
    listed = [item["id"] for item in queue["items"]]
    assert comment_id in listed and plain not in listed


def post_plain(client: FlaskClient, body: str) -> int:
    response = client.post("/v1/sites/demo/comments", json={"thread": "article-1", "body": body})
    assert response.status_code == 202
    return int(response.get_json()["id"])


def test_an_edited_draft_posted_with_its_token_says_it_was_edited(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    token = check(client, INSULT)["check_token"]
    edited = "I think you are mistaken about this."
    posted = client.post("/v1/sites/demo/comments", json={"thread": "article-1", "body": edited, "check_token": token})
    verdicts = verdicts_of(sessions, posted.get_json()["id"])
    assert "edited since the warning" in verdicts["posted-after-warning"].reason


def test_a_forged_or_foreign_check_token_is_refused_and_nothing_is_stored(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    for token in ("abuse.insults.AAAA.forged", "nonsense", "a.b.c.d.e"):
        response = client.post("/v1/sites/demo/comments", json={"thread": "t", "body": INSULT, "check_token": token})
        assert response.status_code == 422
        assert "check_token" in response.get_json()["error"]["fields"]
    assert comment_count(sessions) == 0


def test_draft_checks_are_rate_limited_per_address(settings: Settings, site: Site, clean: None) -> None:
    from service.app import create_app

    client = create_app(dataclasses.replace(settings, rate_limit_check="2/minute")).test_client()
    # Invalid drafts (no worker needed) count too, so a flood of them is slowed as well.
    answers = [client.post(CHECK, json={"thread": "t"}).status_code for _ in range(3)]
    assert answers == [422, 422, 429]
