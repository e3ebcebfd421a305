"""Fixtures for fault injection: processes on a private queue, so other tests' workers never interfere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import AuditEntry, Comment
from tests.support import BIN, Process, claim_redis_db


@pytest.fixture
def private_env(service_env: dict[str, str], redis_url: str) -> Iterator[dict[str, str]]:
    """The service environment on a Redis database of its own (its own Celery queue)."""
    base = redis_url.rsplit("/", 1)[0]
    number = claim_redis_db(base)
    url = f"{base}/{number}"
    yield dict(service_env, REDIS_URL=url)
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def start_beat(env: dict[str, str], log_dir: Path) -> Process:
    """Start celery beat (the sweeper re-sends what a fault left `received`)."""
    return Process(
        "beat",
        [
            str(BIN / "celery"),
            "-A",
            "workers.celery_app",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(log_dir / "beat-schedule"),
        ],
        env,
        log_dir,
    ).start()


def decisions_per_comment(sessions: sessionmaker[Session], ids: list[int]) -> dict[int, int]:
    """Count, per comment, the audit rows that moved it out of `received` (exactly one each is right)."""
    with sessions() as session:
        rows = session.execute(
            select(AuditEntry.comment_id, func.count())
            .where(AuditEntry.comment_id.in_(ids), AuditEntry.from_status == "received")
            .group_by(AuditEntry.comment_id)
        ).all()
    counts = {comment_id: 0 for comment_id in ids}
    counts.update({comment_id: count for comment_id, count in rows})
    return counts


def statuses(sessions: sessionmaker[Session], ids: list[int]) -> dict[int, str]:
    with sessions() as session:
        rows = session.execute(select(Comment.id, Comment.status).where(Comment.id.in_(ids)))
        return {row[0]: row[1] for row in rows}
