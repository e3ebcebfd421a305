"""Alembic environment: runs migrations on the URL the caller configured."""

from alembic import context

from service.storage.db import make_engine
from service.storage.models import Base

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
