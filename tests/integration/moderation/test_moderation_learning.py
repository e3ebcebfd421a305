"""Decisions teach the learned filter per site; reversals untrain once; Redis is rebuilt from the database."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment, Site, TrainingRecord, Verdict
from tests.integration.moderation.conftest import SeedComment, Team
from tests.support import BIN, Process, wait_for

auth = Team.auth

CAMPAIGN = [
    "Cheap replica watches, best price guaranteed, order today at our shop",
    "Order replica watches today, cheap and best price, visit our shop",
    "Best price on cheap replica watches, our shop ships today",
    "Replica watches at the best price, cheap, shop today",
    "Our shop: cheap replica watches, best price, order now today",
    "Cheap replica watches shop, best price today only",
]


def decide(client: FlaskClient, token: str, comment_id: int, action: str) -> dict[str, Any]:
    version = client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(token)).json["version"]
    response = client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": action, "version": version},
        headers=auth(token),
    )
    assert response.status_code == 200, response.json
    result: dict[str, Any] = response.json
    return result


def label(sessions: sessionmaker[Session], comment_id: int) -> str | None:
    with sessions() as session:
        return session.scalar(select(TrainingRecord.label).where(TrainingRecord.comment_id == comment_id))


def test_reversing_a_decision_replaces_its_training_exactly_once(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment, sessions: sessionmaker[Session]
) -> None:
    comment_id = seed_comment(site.id)
    decide(client, team.alice, comment_id, "spam")
    assert label(sessions, comment_id) == "spam"
    decide(client, team.carol, comment_id, "approve")
    assert label(sessions, comment_id) == "ham"
    assert client.post(f"/v1/moderation/comments/{comment_id}/undo", headers=auth(team.carol)).status_code == 200
    assert label(sessions, comment_id) == "spam"
    decide(client, team.alice, comment_id, "delete")
    assert label(sessions, comment_id) == "spam"
    assert client.post(f"/v1/moderation/comments/{comment_id}/undo", headers=auth(team.alice)).status_code == 200
    other = seed_comment(site.id)
    decide(client, team.alice, other, "approve")
    assert client.post(f"/v1/moderation/comments/{other}/undo", headers=auth(team.alice)).status_code == 200
    assert label(sessions, other) is None


def learned_state(client: redis.Redis) -> dict[bytes, Any]:
    """Every learned-filter (Bayes) key and its value."""
    state: dict[bytes, Any] = {}
    for key in client.scan_iter(match="sift:bayes:*", count=1000):
        kind = client.type(key)
        if kind == b"hash":
            # A count taken back to zero means the same as no count at all.
            state[key] = {field: value for field, value in client.hgetall(key).items() if value != b"0"}
        elif kind == b"string":
            state[key] = client.get(key)
    return state


@pytest.mark.slow
def test_sift_learn_rebuild_restores_the_counts_from_the_decisions(
    client: FlaskClient,
    site: Site,
    team: Team,
    seed_comment: SeedComment,
    redis_client: redis.Redis,
    service_env: dict[str, str],
) -> None:
    pytest.importorskip("workers.learning")
    ids = [seed_comment(site.id, body=body) for body in CAMPAIGN[:4]]
    for comment_id in ids[:3]:
        decide(client, team.alice, comment_id, "spam")
    decide(client, team.alice, ids[3], "approve")
    decide(client, team.alice, ids[0], "approve")  # a reversal: its spam training is replaced by ham
    before = learned_state(redis_client)
    assert before, "decisions trained nothing into Redis"
    for key in before:
        redis_client.delete(key)
    rebuilt = subprocess.run(
        [str(BIN / "sift"), "learn", "rebuild"], env=service_env, capture_output=True, text=True, timeout=60
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "demo: retrained from 4 decisions" in rebuilt.stdout
    assert learned_state(redis_client) == before


# What a site's learned filter already knew before the campaign: the filter stays silent
# until it has seen `min_documents` of each class, as a real site's history would give it.
BACKGROUND_SPAM = [f"Win a free prize number {n}, claim your reward now, click and subscribe" for n in range(20)]
BACKGROUND_HAM = [f"The council debated item {n} of the budget and the vote was close" for n in range(20)]


def teach_background(client: redis.Redis) -> None:
    from workers import learning

    learning.train_many(
        client, "demo", [(text, "spam") for text in BACKGROUND_SPAM] + [(text, "ham") for text in BACKGROUND_HAM]
    )


def post_and_wait(
    client: FlaskClient, sessions: sessionmaker[Session], body: str, thread: str
) -> tuple[int, str, set[str]]:
    """Post a comment, wait for the worker's decision; return its id, status and the filters that spoke."""
    response = client.post("/v1/sites/demo/comments", json={"thread": thread, "body": body})
    assert response.status_code == 202
    comment_id = response.json["id"]

    def decided() -> str | None:
        with sessions() as session:
            status = session.scalar(select(Comment.status).where(Comment.id == comment_id))
        return status if status != "received" else None

    status = wait_for(decided, what="comment decided")
    with sessions() as session:
        filters = set(session.scalars(select(Verdict.filter_id).where(Verdict.comment_id == comment_id)))
    return comment_id, status, filters


@pytest.mark.slow
def test_a_spam_campaign_rejected_by_moderators_is_caught_by_the_learned_filter(
    client: FlaskClient,
    site: Site,
    team: Team,
    worker: Process,
    sessions: sessionmaker[Session],
    seed_comment: SeedComment,
    redis_client: redis.Redis,
) -> None:
    teach_background(redis_client)

    # Before moderators have seen the campaign, the learned filter says nothing of it (the shipped
    # spam model may already hold replica watches; what is tested here is what moderators teach).
    assert "bayes" not in post_and_wait(client, sessions, CAMPAIGN[0], "article-8")[2]
    for body in CAMPAIGN[1:5]:
        decide(client, team.alice, seed_comment(site.id, body=body, verdicts=()), "spam")
    _, status, filters = post_and_wait(client, sessions, CAMPAIGN[5], "article-9")
    assert status in ("held", "rejected")
    assert "bayes" in filters


@pytest.mark.slow
def test_approving_a_false_positive_stops_similar_comments_being_held(
    client: FlaskClient,
    site: Site,
    team: Team,
    worker: Process,
    sessions: sessionmaker[Session],
    seed_comment: SeedComment,
    redis_client: redis.Redis,
) -> None:
    teach_background(redis_client)
    for body in CAMPAIGN[:5]:
        decide(client, team.alice, seed_comment(site.id, body=body, verdicts=()), "spam")

    # Readers who talk about the campaign's subject are caught by what the filter learned from it.
    false_positives = [
        "My grandfather's watches were never cheap replica junk from some shop",
        "Grandfather's watches: never cheap replica junk from a shop",
    ]
    held = [post_and_wait(client, sessions, body, "watches") for body in false_positives]
    assert [(status, filters) for _, status, filters in held] == [("held", {"bayes"})] * 2

    # Once a moderator approves them, the next comment of the same kind (which the counts learned
    # from the campaign alone hold, as the first two show) publishes.
    for comment_id, _, _ in held:
        assert decide(client, team.alice, comment_id, "approve")["status"] == "published"
    _, status, filters = post_and_wait(
        client, sessions, "My grandfather never wore cheap replica watches from a junk shop", "watches"
    )
    assert status == "published", filters
