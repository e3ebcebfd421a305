"""Messages for a site's admins (an endpoint disabled, say): listed newest first and marked read once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Notice, utcnow


def list_notices(
    session: Session, site_id: int, *, unread_only: bool = False, limit: int = 50, before: int | None = None
) -> list[Notice]:
    """Return the site's notices, newest first; `before` pages on to older ones."""
    statement = select(Notice).where(Notice.site_id == site_id).order_by(Notice.id.desc()).limit(limit)
    if unread_only:
        statement = statement.where(Notice.read_at.is_(None))
    if before is not None:
        statement = statement.where(Notice.id < before)
    return list(session.scalars(statement))


def mark_read(session: Session, site_id: int, notice_id: int) -> Notice | None:
    """Mark the site's notice read (keeping when it was first read); None when the site has no such notice."""
    notice = session.scalar(select(Notice).where(Notice.id == notice_id, Notice.site_id == site_id).with_for_update())
    if notice is not None and notice.read_at is None:
        notice.read_at = utcnow()
    return notice
