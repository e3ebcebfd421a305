"""index comments.parent_id

Deleting a comment sets its replies' `parent_id` to NULL; without an index PostgreSQL scans the
whole table for each deleted comment, so purging rejected spam or a site was quadratic.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 22:26:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # CONCURRENTLY, outside a transaction: see 0002.
    with op.get_context().autocommit_block():
        op.create_index("ix_comments_parent_id", "comments", ["parent_id"], postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index("ix_comments_parent_id", "comments", postgresql_concurrently=True)
