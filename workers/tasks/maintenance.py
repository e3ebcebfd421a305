"""Beat-driven upkeep: re-dispatch what a crash left behind, and apply retention."""

from __future__ import annotations

import structlog
from celery import shared_task
from sqlalchemy import update

from service.storage.comments import find_stale_received
from service.storage.models import Comment
from workers import names
from workers.resources import resources_for

log = structlog.get_logger(__name__)


@shared_task(name=names.SWEEP_RECEIVED, bind=True, acks_late=True)
def sweep_received(self) -> int:  # type: ignore[no-untyped-def]
    """Enqueue moderation again for comments left `received` longer than the configured age."""
    resources = resources_for(self.app)
    with resources.sessions() as session, session.begin():
        stale = find_stale_received(session, resources.settings.sweep_after_seconds)
        if stale:
            session.execute(
                update(Comment).where(Comment.id.in_(stale)).values(enqueue_count=Comment.enqueue_count + 1)
            )
    moderate = self.app.tasks[names.MODERATE_COMMENT]
    for comment_id in stale:
        moderate.delay(comment_id)
    if stale:
        log.info("sweeper.requeued", count=len(stale))
    return len(stale)
