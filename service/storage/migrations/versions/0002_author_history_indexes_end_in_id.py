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
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_author_email_id", ["site_id", "author_email", "id"], unique=False)
        batch_op.create_index("ix_comments_client_ip_id", ["site_id", "client_ip", "id"], unique=False)
        batch_op.drop_index("ix_comments_author_email")
        batch_op.drop_index("ix_comments_client_ip")


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_author_email", ["site_id", "author_email"], unique=False)
        batch_op.create_index("ix_comments_client_ip", ["site_id", "client_ip"], unique=False)
        batch_op.drop_index("ix_comments_client_ip_id")
        batch_op.drop_index("ix_comments_author_email_id")
