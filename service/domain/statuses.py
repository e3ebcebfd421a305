"""Comment statuses, the moves allowed between them, and the webhook event each move emits."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    RECEIVED = "received"
    PUBLISHED = "published"
    HELD = "held"
    REJECTED = "rejected"
    REPORTED = "reported"
    DELETED = "deleted"


class RejectionReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"


# Every move a comment may make. Moderators may also reverse their own decisions
# (a rejected comment approved after all), hence rejected -> published; an undo returns
# a comment to where the moderator found it, hence the moves back to held, reported
# and out of deleted.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.PUBLISHED, Status.HELD, Status.REJECTED, Status.DELETED}),
    Status.HELD: frozenset({Status.PUBLISHED, Status.REJECTED, Status.DELETED}),
    Status.PUBLISHED: frozenset({Status.HELD, Status.REPORTED, Status.REJECTED, Status.DELETED}),
    Status.REPORTED: frozenset({Status.PUBLISHED, Status.REJECTED, Status.DELETED}),
    Status.REJECTED: frozenset({Status.PUBLISHED, Status.HELD, Status.REPORTED, Status.DELETED}),
    Status.DELETED: frozenset({Status.PUBLISHED, Status.HELD, Status.REPORTED, Status.REJECTED}),
}

# Statuses a moderator works from the queue.
QUEUE_STATUSES = (Status.HELD, Status.REPORTED)


class InvalidTransition(ValueError):
    """A comment cannot move from its current status to the one asked for."""


def check_transition(current: Status, target: Status) -> None:
    """Raise InvalidTransition unless `current` may move to `target`."""
    if target not in ALLOWED_TRANSITIONS[current]:
        raise InvalidTransition(f"a {current.value} comment cannot become {target.value}")
