"""comments.scores: the learned models' probability per attribute

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no default: adding it rewrites no rows on PostgreSQL.
    op.add_column("comments", sa.Column("scores", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("comments", "scores")
