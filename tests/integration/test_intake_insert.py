"""The intake's raw INSERT (service.storage.comment_insert): the ORM's defaults, and SQLAlchemy's errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from service.storage.comment_insert import insert_comment
from service.storage.db import make_engine, make_hot_path_engine
from service.storage.models import Comment, Site


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
