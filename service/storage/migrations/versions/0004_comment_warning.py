"""comments.warning: what a draft check warned the author about before they posted anyway

Empty for a comment posted without a warning; else `category:filter-id,…` and `:edited` when the
posted text differs from the checked draft (see service/domain/check_tokens.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A constant default: PostgreSQL 11+ adds the column without rewriting the table.
    op.add_column("comments", sa.Column("warning", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("warning")
