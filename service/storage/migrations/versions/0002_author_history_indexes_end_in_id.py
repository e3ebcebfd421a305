"""author history indexes end in id

A decision reads the author's latest comments newest first (`ORDER BY id DESC LIMIT n`); with id
in the index that is a short backward index scan instead of a sort of the author's whole history.
The new indexes serve every query the old ones did, so the old ones go.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:20:28.899659
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # CONCURRENTLY on PostgreSQL: a plain CREATE INDEX blocks writes to comments, so intake would
    # stall for the whole build on a large table. It cannot run in a transaction, hence the block.
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_comments_author_email_id", "comments", ["site_id", "author_email", "id"], postgresql_concurrently=True
        )
        op.create_index(
            "ix_comments_client_ip_id", "comments", ["site_id", "client_ip", "id"], postgresql_concurrently=True
        )
        op.drop_index("ix_comments_author_email", "comments", postgresql_concurrently=True)
        op.drop_index("ix_comments_client_ip", "comments", postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_comments_author_email", "comments", ["site_id", "author_email"], postgresql_concurrently=True
        )
        op.create_index("ix_comments_client_ip", "comments", ["site_id", "client_ip"], postgresql_concurrently=True)
        op.drop_index("ix_comments_client_ip_id", "comments", postgresql_concurrently=True)
        op.drop_index("ix_comments_author_email_id", "comments", postgresql_concurrently=True)
