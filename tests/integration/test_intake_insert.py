"""The intake's raw INSERT (service.storage.comment_insert) and its groups: defaults, ids, errors, the queue."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from service.intake.writer import IntakeWriter
from service.observability.structured_logs import REQUEST_ID_HEADER
from service.storage.comment_insert import insert_comment, insert_comments
from service.storage.db import make_engine, make_hot_path_engine
from service.storage.models import Comment, Site
from tests.support import claim_redis_db
from workers import names


def supplied(site_id: int) -> dict[str, Any]:
    return {
        "site_id": site_id,
        "thread": "t",
        "parent_id": None,
        "body": "A measured reply.",
        "author_name": "",
        "author_email": "",
        "author_url": "",
        "page_url": "",
        "client_ip": "127.0.0.1",
        "user_agent": "",
        "honeypot_filled": False,
        "form_token_status": "",
        "request_id": "req-0123456789",
        "enqueue_count": 1,
        "warning": "",
    }


def test_the_row_has_every_default_the_orm_would_give(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    with engine.connect() as connection:
        comment_id = insert_comment(connection, supplied(site.id))
    with sessions() as session:
        ours = session.get_one(Comment, comment_id)
        orm = Comment(**supplied(site.id))
        session.add(orm)
        session.commit()
        for column in Comment.__table__.c:
            if column.name not in ("id", "created_at", "updated_at"):
                assert getattr(ours, column.name) == getattr(orm, column.name), column.name
        assert ours.created_at is not None and ours.updated_at is not None
        assert ours.created_at.tzinfo is not None
    engine.dispose()


def test_a_missing_site_raises_sqlalchemys_integrity_error(settings: Settings, sessions: sessionmaker[Session]) -> None:
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    with engine.connect() as connection, pytest.raises(IntegrityError):
        insert_comment(connection, supplied(2**40))
    engine.dispose()


def test_a_dead_connection_is_invalidated_and_the_next_checkout_works(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        pytest.skip("the raw cursor is the PostgreSQL path")
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    admin = make_engine(settings.database_url)
    with engine.connect() as connection:
        pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised:
            insert_comment(connection, supplied(site.id))
    assert raised.value.connection_invalidated
    with engine.connect() as connection:
        comment_id = insert_comment(connection, supplied(site.id))
    with sessions() as session:
        assert session.scalar(select(Comment.id).where(Comment.id == comment_id)) == comment_id
    engine.dispose()
    admin.dispose()


def test_a_group_insert_returns_each_rows_own_id(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    rows = [{**supplied(site.id), "body": f"comment number {n}", "thread": f"t{n % 3}"} for n in range(7)]
    with engine.connect() as connection:
        ids = insert_comments(connection, rows)
    with sessions() as session:
        stored = {c.id: (c.body, c.thread) for c in session.scalars(select(Comment).where(Comment.id.in_(ids)))}
    assert [stored[comment_id] for comment_id in ids] == [(row["body"], row["thread"]) for row in rows]
    engine.dispose()


def test_a_group_with_one_bad_row_stores_nothing(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    rows = [supplied(site.id), supplied(2**40), supplied(site.id)]
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        pytest.skip("on SQLite the rows are inserted one at a time")
    with engine.connect() as connection, pytest.raises(IntegrityError):
        insert_comments(connection, rows)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0
    engine.dispose()


def test_the_writer_stores_and_queues_the_good_rows_of_a_group_and_fails_only_the_bad_one(
    settings: Settings, site: Site, sessions: sessionmaker[Session], redis_url: str
) -> None:
    # A Redis database of its own: the session's Celery worker would take the messages off the shared one.
    base = redis_url.rsplit("/", 1)[0]
    broker = redis.Redis.from_url(f"{base}/{claim_redis_db(base)}")
    broker.delete(names.QUEUE)
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    writer = IntakeWriter(engine, broker)
    rows = [
        {**supplied(site.id), "body": "first", "request_id": "req-first"},
        {**supplied(2**40), "body": "no such site"},
        {**supplied(site.id), "body": "third", "request_id": "req-third"},
    ]
    outcomes = writer._write(rows)
    assert isinstance(outcomes[1], IntegrityError)
    first, third = outcomes[0], outcomes[2]
    assert isinstance(first, int) and isinstance(third, int)
    with sessions() as session:
        assert session.scalars(select(Comment.body).order_by(Comment.id)).all() == ["first", "third"]
    # One task message for the stored comments of the group, in order; the worker logs each under
    # the request id stored with it (two request ids: the message carries neither).
    [queued] = [json.loads(message) for message in broker.lrange(names.QUEUE, 0, -1)]
    assert queued["headers"]["task"] == names.MODERATE_COMMENTS
    assert queued["headers"]["argsrepr"] == f"[[{first}, {third}]]"
    assert REQUEST_ID_HEADER not in queued["headers"]
    broker.delete(names.QUEUE)
    engine.dispose()


def test_the_writer_stores_only_the_rows_its_admission_lets_in_and_the_others_keep_their_refusal(
    settings: Settings, site: Site, sessions: sessionmaker[Session], redis_url: str
) -> None:
    base = redis_url.rsplit("/", 1)[0]
    broker = redis.Redis.from_url(f"{base}/{claim_redis_db(base)}")
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    over_limit = RuntimeError("over the limit")
    writer = IntakeWriter(
        engine, broker, admit=lambda rows: [over_limit if row["client_ip"] == "192.0.2.66" else None for row in rows]
    )
    rows = [
        {**supplied(site.id), "body": "first"},
        {**supplied(site.id), "body": "flood", "client_ip": "192.0.2.66"},
        {**supplied(site.id), "body": "third"},
    ]
    outcomes = writer._write(rows)
    assert outcomes[1] is over_limit
    assert isinstance(outcomes[0], int) and isinstance(outcomes[2], int)
    with sessions() as session:
        assert session.scalars(select(Comment.body).order_by(Comment.id)).all() == ["first", "third"]
    assert broker.llen(names.QUEUE) == 1  # one message for the group's two stored comments
    broker.delete(names.QUEUE)
    engine.dispose()


def test_a_group_refuses_a_value_too_long_for_its_column_as_a_single_insert_does(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    engine = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    too_long = {**supplied(site.id), "client_ip": "1" * 65}  # comments.client_ip is VARCHAR(64)
    if make_url(settings.database_url).get_backend_name() != "postgresql":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    with engine.connect() as connection:
        with pytest.raises(DBAPIError):
            insert_comment(connection, too_long)
        with pytest.raises(DBAPIError):
            insert_comments(connection, [supplied(site.id), too_long])
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0
    engine.dispose()
