"""What moderator decisions taught the learned filters, kept in the database so Redis can be rebuilt.

The database holds one label per decided comment (`TrainingRecord`); Redis holds the
Bayes counts derived from those labels. A decision changes the label in its own
transaction and hands back the delta, applied to Redis after the commit; reversing a
decision replaces the label, so its training is undone exactly once. If Redis is lost
or misses a delta, `rebuild` recounts everything from the labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import redis
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import AuditEntry, Comment, Site, TrainingRecord

log = structlog.get_logger(__name__)

SPAM = "spam"
HAM = "ham"
# Both rejections teach "unwanted": the learned filter has two classes, and an abusive
# comment is as unwelcome to the site as spam.
LABEL_FOR_ACTION = {"approve": HAM, "reject": SPAM, "spam": SPAM}
UNDO = "undo"


def label_from_history(actions: Sequence[str]) -> str | None:
    """Return the label a comment's moderator actions (oldest first) leave it with.

    Each decision pushes a label, a delete keeps the one before it, and an undo pops
    the latest, so undoing restores exactly the label the comment had before.
    """
    stack: list[str | None] = []
    for action in actions:
        if action == UNDO:
            if stack:
                stack.pop()
        elif action in LABEL_FOR_ACTION:
            stack.append(LABEL_FOR_ACTION[action])
        elif action == "delete":
            stack.append(stack[-1] if stack else None)
    return stack[-1] if stack else None


@dataclass(frozen=True)
class TrainingChange:
    """A label change to apply to the site's learned counts once the decision is committed."""

    site: str
    text: str
    old: str | None
    new: str | None


def relabel(session: Session, comment: Comment) -> TrainingChange | None:
    """Bring the comment's stored label in line with its moderator decisions; return the change, if any."""
    actions = list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.comment_id == comment.id, AuditEntry.actor_type != "system")
            .order_by(AuditEntry.id)
        )
    )
    new = label_from_history(actions)
    record = session.get(TrainingRecord, comment.id)
    old = record.label if record is not None else None
    if old == new:
        return None
    if new is None:
        session.delete(record)
    elif record is None:
        session.add(TrainingRecord(comment_id=comment.id, site_id=comment.site_id, label=new))
    else:
        record.label = new
    site = session.get(Site, comment.site_id)
    assert site is not None
    return TrainingChange(site.name, comment.body, old, new)


def apply_training(client: redis.Redis, change: TrainingChange | None) -> bool:
    """Move the committed change into Redis; on failure the counts wait for `sift learn rebuild`."""
    if change is None:
        return True
    try:
        from workers import learning

        if change.old is not None:
            learning.untrain(client, change.site, change.text, change.old)
        if change.new is not None:
            learning.train(client, change.site, change.text, change.new)
    except (redis.RedisError, ImportError) as error:
        log.warning("learning.apply_failed", site=change.site, error=str(error))
        return False
    return True


def rebuild(session: Session, client: redis.Redis, site_names: Sequence[str] = ()) -> dict[str, int]:
    """Recount every site's learned statistics from the stored labels; return labels replayed per site."""
    from workers import learning

    statement = select(Site).order_by(Site.name)
    if site_names:
        statement = statement.where(Site.name.in_(list(site_names)))
    replayed: dict[str, int] = {}
    for site in session.scalars(statement):
        learning.reset(client, site.name)
        rows = session.execute(
            select(Comment.body, TrainingRecord.label)
            .join(TrainingRecord, TrainingRecord.comment_id == Comment.id)
            .where(TrainingRecord.site_id == site.id)
            .order_by(TrainingRecord.comment_id)
            .execution_options(yield_per=500)
        )
        count = 0
        for body, label in rows:
            learning.train(client, site.name, body, label)
            count += 1
        replayed[site.name] = count
    return replayed
