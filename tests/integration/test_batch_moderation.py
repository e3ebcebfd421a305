"""Comments the intake stored together are decided together (one task, one transaction) and each exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import redis
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from service.domain.statuses import Status
from service.storage.comments import SYSTEM, Move, change_status, change_statuses
from service.storage.models import AuditEntry, Comment, Site, Verdict
from tests.support import Process, wait_for
from workers.publisher import enqueue_moderation

# Distinct enough that none is a near duplicate of another (that filter would hold it).
OPINIONS = [
    "I agree with most of this.",
    "Thanks for the clear write-up.",
    "Not sure the numbers add up here.",
    "This matches what I saw last spring.",
    "Well argued, though I would add one point.",
    "Great photos!",
    "My grandmother grew up on that street.",
    "Could you link the original report?",
    "Happy to see this covered.",
    "The second paragraph surprised me.",
    "Our school tried this in 2019.",
    "Interesting comparison with Oslo.",
]
TOPICS = [
    "The bridge repairs took far too long.",
    "Bus fares should stay where they are.",
    "Library hours matter a lot.",
    "Parking near the market is hopeless.",
    "The new park looks lovely in autumn.",
    "Bike lanes need better paint.",
    "Council meetings should be streamed.",
    "Rents keep climbing every year.",
    "The harbour festival was fun.",
    "Recycling pickup is often late.",
    "More trees on Elm Street, please.",
    "The museum deserves more visitors.",
]
BODIES = [f"{opinion} {topic}" for opinion, topic in zip(OPINIONS, TOPICS, strict=True)]


def store_received(sessions: sessionmaker[Session], site: Site, bodies: list[str]) -> list[int]:
    """Commit comments as the intake does (status `received`), without queueing them."""
    with sessions() as session, session.begin():
        rows = [
            Comment(site_id=site.id, thread="batch", body=body, request_id=f"req-{n}") for n, body in enumerate(bodies)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def statuses(sessions: sessionmaker[Session], ids: list[int]) -> dict[int, str]:
    with sessions() as session:
        return {
            row[0]: row[1] for row in session.execute(select(Comment.id, Comment.status).where(Comment.id.in_(ids)))
        }


def count_per_comment(
    sessions: sessionmaker[Session], model: type[AuditEntry] | type[Verdict], ids: list[int]
) -> dict[int, int]:
    with sessions() as session:
        rows = session.execute(
            select(model.comment_id, func.count()).where(model.comment_id.in_(ids)).group_by(model.comment_id)
        )
        return {comment_id: 0 for comment_id in ids} | {row[0]: row[1] for row in rows}


def decided(sessions: sessionmaker[Session], ids: list[int]) -> bool:
    return "received" not in statuses(sessions, ids).values()


def test_a_group_is_decided_once_each_with_one_audit_row_even_when_queued_twice(
    site: Site, worker: Process, sessions: sessionmaker[Session], redis_client: redis.Redis
) -> None:
    bodies = list(BODIES)
    bodies[3] = "Buy cheap pills at http://a.example http://b.example http://c.example now"
    ids = store_received(sessions, site, bodies)
    # The whole group twice (a redelivery), and part of it again in another group.
    enqueue_moderation(redis_client, [(comment_id, "") for comment_id in ids])
    enqueue_moderation(redis_client, [(comment_id, "") for comment_id in ids])
    enqueue_moderation(redis_client, [(comment_id, "") for comment_id in ids[:5]])
    wait_for(lambda: decided(sessions, ids), what="every comment of the group decided")
    marker = store_received(sessions, site, ["A later comment, decided after the duplicates."])
    enqueue_moderation(redis_client, [(marker[0], "")])
    wait_for(lambda: decided(sessions, marker), what="the later comment decided")

    found = statuses(sessions, ids)
    assert found[ids[3]] == "held"  # three links: each comment has its own decision, not its group's
    assert {found[comment_id] for comment_id in ids if comment_id != ids[3]} == {"published"}
    assert set(count_per_comment(sessions, AuditEntry, ids).values()) == {1}
    verdicts = count_per_comment(sessions, Verdict, ids)
    assert verdicts[ids[3]] >= 1 and verdicts[ids[0]] == 0
    with sessions() as session:
        versions = set(session.scalars(select(Comment.version).where(Comment.id.in_(ids))))
    assert versions == {2}
    # Each decision is logged under the request id stored with its comment.
    logged = {}
    for line in worker.log().splitlines():
        if line.startswith("{") and '"moderation.decided"' in line:
            record = json.loads(line)
            if record.get("comment_id") in ids and record.get("outcome") != "already-decided":
                logged[record["comment_id"]] = record.get("request_id")
    assert logged == {comment_id: f"req-{n}" for n, comment_id in enumerate(ids)}


def test_an_unknown_or_deleted_comment_in_a_group_does_not_stop_the_others(
    site: Site, worker: Process, sessions: sessionmaker[Session], redis_client: redis.Redis
) -> None:
    ids = store_received(sessions, site, BODIES[:3])
    with sessions() as session, session.begin():
        session.execute(text("DELETE FROM comments WHERE id = :id"), {"id": ids[1]})
    enqueue_moderation(redis_client, [(ids[0], ""), (ids[1], ""), (ids[2], ""), (ids[2] + 10_000, "")])
    kept = [ids[0], ids[2]]
    wait_for(lambda: decided(sessions, kept), what="the two comments left decided")
    assert set(statuses(sessions, kept).values()) == {"published"}


@pytest.fixture
def refuse_audit_of(sessions: sessionmaker[Session]) -> Iterator[Callable[[int], None]]:
    """Make PostgreSQL refuse (with a trigger) the audit row of the comment given: a comment that cannot be decided."""
    with sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("the refusal is a PostgreSQL trigger")

    def refuse(comment_id: int) -> None:
        with sessions() as session, session.begin():
            session.execute(
                text(
                    "CREATE OR REPLACE FUNCTION sift_test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    f"BEGIN IF NEW.comment_id = {int(comment_id)} THEN RAISE EXCEPTION 'refused by the test'; "
                    "END IF; RETURN NEW; END $$"
                )
            )
            session.execute(
                text(
                    "CREATE TRIGGER sift_test_refuse_audit BEFORE INSERT ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION sift_test_refuse_audit()"
                )
            )

    yield refuse
    with sessions() as session, session.begin():
        session.execute(text("DROP TRIGGER IF EXISTS sift_test_refuse_audit ON audit_log"))
        session.execute(text("DROP FUNCTION IF EXISTS sift_test_refuse_audit()"))


def test_a_comment_that_cannot_be_decided_does_not_lose_the_rest_of_its_group(
    site: Site,
    worker: Process,
    sessions: sessionmaker[Session],
    redis_client: redis.Redis,
    refuse_audit_of: Callable[[int], None],
) -> None:
    ids = store_received(sessions, site, BODIES[:6])
    refuse_audit_of(ids[2])
    enqueue_moderation(redis_client, [(comment_id, "") for comment_id in ids])
    others = [comment_id for comment_id in ids if comment_id != ids[2]]
    wait_for(lambda: decided(sessions, others), what="the group's other comments decided")

    found = statuses(sessions, ids)
    assert found[ids[2]] == "received"  # left for the sweeper, nothing half-written
    assert {found[comment_id] for comment_id in others} == {"published"}
    audits = count_per_comment(sessions, AuditEntry, ids)
    assert audits[ids[2]] == 0
    assert {audits[comment_id] for comment_id in others} == {1}


def test_a_batch_compare_and_set_moves_only_the_comments_nobody_moved_meanwhile(
    site: Site, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: the other worker could not decide meanwhile")
    ids = store_received(sessions, site, BODIES[:4])
    with sessions() as first, first.begin():
        loaded = list(first.scalars(select(Comment).where(Comment.id.in_(ids)).order_by(Comment.id)))
        # Another worker decides the second comment after this one read it.
        with sessions() as other, other.begin():
            other_row = other.get(Comment, ids[1])
            assert other_row is not None
            assert change_status(other, other_row, Status.HELD, SYSTEM, action="hold")
        moves = [Move(comment, Status.PUBLISHED, "publish", values={"score": 0.1}) for comment in loaded[:3]]
        moves.append(Move(loaded[3], Status.HELD, "hold", reason="held for the test"))
        moved = change_statuses(first, moves, SYSTEM)
    assert moved == [True, False, True, True]
    assert statuses(sessions, ids) == {ids[0]: "published", ids[1]: "held", ids[2]: "published", ids[3]: "held"}
    assert set(count_per_comment(sessions, AuditEntry, ids).values()) == {1}
    with sessions() as session:
        versions = dict(session.execute(select(Comment.id, Comment.version).where(Comment.id.in_(ids))).all())
        scores = dict(session.execute(select(Comment.id, Comment.score).where(Comment.id.in_(ids))).all())
    assert set(versions.values()) == {2}
    assert scores[ids[0]] == scores[ids[2]] == 0.1
