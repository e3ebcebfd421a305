"""The migrations build exactly the schema the models describe, and step down and up again cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from service.storage.db import alembic_config
from service.storage.models import Base


def _schema_differences(database_url: str) -> list[object]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def test_the_migrated_database_matches_the_models(database_url: str) -> None:
    # The session's database (PostgreSQL when it is here) was built by the migrations alone.
    assert _schema_differences(database_url) == []


def test_every_migration_steps_down_and_up_again(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'migrations.db'}"
    config = alembic_config(database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
    command.upgrade(config, "head")
    assert _schema_differences(database_url) == []
