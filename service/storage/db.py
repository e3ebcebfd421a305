"""Engines, sessions and migrations for PostgreSQL and the embedded SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(database_url: str, **overrides: Any) -> Engine:
    """Create an engine tuned for the database behind the URL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **overrides)
        event.listen(engine, "connect", _tune_sqlite)
        # pysqlite's own transaction handling defers BEGIN; take it over so that
        # SELECT ... then UPDATE inside one transaction is really atomic.
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    # pool_pre_ping costs a round trip per checkout, but after a database restart it is what
    # lets every process recover by itself instead of failing on each stale pooled connection.
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
    options.update(overrides)
    return create_engine(url, **options)


T = TypeVar("T")


def on_hot_path(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` on a connection of a hot-path engine, once more if the pooled connection was dead.

    The hot-path engine does not pre-ping (see `make_hot_path_engine`): a connection that died
    with a database restart is found by the statement itself, which invalidates it and refreshes
    the pool, so one more try succeeds when the database is back. Other errors are raised.
    """
    try:
        with engine.connect() as connection:
            return work(connection)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    with engine.connect() as connection:
        return work(connection)


def make_hot_path_engine(database_url: str, default: Engine) -> Engine:
    """Return the engine for the intake's single-statement writes.

    On PostgreSQL: autocommit (one INSERT is its own transaction, so a comment costs one round
    trip instead of BEGIN, INSERT and COMMIT) and no pre-ping (one more round trip per request);
    callers retry once on a connection found dead (`on_hot_path`), which is what pre-ping would have caught.
    SQLite gains nothing from either and keeps the default engine.
    """
    if make_url(database_url).get_backend_name() == "sqlite":
        return default
    return make_engine(database_url, pool_pre_ping=False, isolation_level="AUTOCOMMIT")


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session, commit when the block ends, roll back if it raises."""
    with factory() as session, session.begin():
        yield session


def alembic_config(database_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def database_is_current(database_url: str) -> bool:
    """Tell whether the database's schema is at this code's latest migration."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()
    return current == heads
