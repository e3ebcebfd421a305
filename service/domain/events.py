"""Webhook event names and which event a status change emits."""

from __future__ import annotations

from service.domain.statuses import Status

COMMENT_PUBLISHED = "comment.published"
COMMENT_HELD = "comment.held"
COMMENT_REJECTED = "comment.rejected"
COMMENT_MODERATED = "comment.moderated"
COMMENT_REPORTED = "comment.reported"

ALL_EVENTS = (COMMENT_PUBLISHED, COMMENT_HELD, COMMENT_REJECTED, COMMENT_MODERATED, COMMENT_REPORTED)

_BY_STATUS = {
    Status.PUBLISHED: COMMENT_PUBLISHED,
    Status.HELD: COMMENT_HELD,
    Status.REJECTED: COMMENT_REJECTED,
    Status.REPORTED: COMMENT_REPORTED,
}


def events_for_change(target: Status, by_person: bool) -> list[str]:
    """Return the events a move to `target` emits; a person's decision also emits comment.moderated."""
    events = [_BY_STATUS[target]] if target in _BY_STATUS else []
    if by_person:
        events.append(COMMENT_MODERATED)
    return events
