"""Beat-driven upkeep: re-dispatch what a crash left behind, and apply retention."""

from __future__ import annotations

import structlog
from celery import shared_task
from sqlalchemy import update

from service.observability import metrics
from service.storage.comments import find_stale_received
from service.storage.models import Comment
from service.storage.retention import purge_old_spam, truncate_old_addresses
from workers import names
from workers.resources import resources_for

log = structlog.get_logger(__name__)

# Comments per re-sent message: as large as the intake's groups, so that a backlog left by a lost
# queue is decided in batches, and small enough that several workers share it.
SWEEP_BATCH = 16


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
    moderate = self.app.tasks[names.MODERATE_COMMENTS]
    for start in range(0, len(stale), SWEEP_BATCH):
        moderate.delay(stale[start : start + SWEEP_BATCH])
    if stale:
        log.info("sweeper.requeued", count=len(stale))
        metrics.record_sweeper_resent(len(stale))
    return len(stale)


@shared_task(name=names.APPLY_RETENTION, bind=True, acks_late=True)
def apply_retention(self) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Truncate old client addresses and purge old rejected spam, as the settings say."""
    settings = resources_for(self.app).settings
    with resources_for(self.app).sessions() as session, session.begin():
        purged = purge_old_spam(session, settings.purge_spam_after_days)
        truncated = truncate_old_addresses(session, settings.truncate_addresses_after_days)
    metrics.RETENTION_APPLIED.labels(kind="address_truncated").inc(truncated)
    metrics.RETENTION_APPLIED.labels(kind="spam_purged").inc(purged)
    log.info("retention.applied", addresses_truncated=truncated, spam_purged=purged)
    return {"addresses_truncated": truncated, "spam_purged": purged}
