"""Comment writes that keep the audit log and the webhook outbox in step with each status change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, column, insert, select, update, values
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.domain.events import events_for_change
from service.domain.statuses import Status, check_transition
from service.storage.models import AuditEntry, Comment, Site, utcnow
from service.storage.outbox import comment_payload, enabled_endpoints, record_event


@dataclass(frozen=True)
class Actor:
    """Who made a change: the system, a moderator, or a site's API key."""

    type: str
    id: int | None = None
    label: str = ""

    @property
    def is_person(self) -> bool:
        return self.type == "moderator"


SYSTEM = Actor("system", None, "filters")


class StaleVersion(Exception):
    """The comment changed since the caller read it."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the comment is now at version {current_version}")
        self.current_version = current_version


# Built once, with the values passed at execution: building an ORM statement per call (and the
# unit of work's flush for the audit row) was about a tenth of every decision's CPU.
_COMMENTS = cast(Table, Comment.__table__)
_COMPARE_AND_SET = update(_COMMENTS).where(
    _COMMENTS.c.id == bindparam("expected_id"),
    _COMMENTS.c.status == bindparam("expected_status"),
    _COMMENTS.c.version == bindparam("expected_version"),
)
_INSERT_AUDIT_ENTRY = insert(cast(Table, AuditEntry.__table__))


def change_status(
    session: Session,
    comment: Comment,
    target: Status,
    actor: Actor,
    *,
    action: str,
    reason: str = "",
    note: str = "",
    expected_version: int | None = None,
    reasons: list[dict[str, Any]] | None = None,
    values: dict[str, Any] | None = None,
) -> bool:
    """Move a comment to `target` with a compare-and-set; audit it and queue its events.

    Return False (and change nothing) when another process already moved it away from
    the status it had when read. Raise StaleVersion when `expected_version` is stale,
    and InvalidTransition when the move is not allowed at all.
    """
    moved = change_statuses(
        session,
        [Move(comment, target, action, reason, note, reasons or [], values or {})],
        actor,
        expected_version=expected_version,
    )
    return moved[0]


@dataclass
class Move:
    """One comment's status change, for `change_statuses`."""

    comment: Comment
    target: Status
    action: str
    reason: str = ""
    note: str = ""
    reasons: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def change_statuses(
    session: Session, moves: Sequence[Move], actor: Actor, *, expected_version: int | None = None
) -> list[bool]:
    """`change_status` for several comments in the caller's transaction; one result per move.

    Each comment still has its own compare-and-set (and one audit row if it moved), but on
    PostgreSQL they run as one UPDATE per set of columns, the audit rows go in one INSERT and each
    site's webhook endpoints are read once: a batch of decisions costs a few round trips, not four
    per comment.
    """
    # Core statements skip the ORM's autoflush: flush what the caller added (a report, say) first.
    session.flush()
    now = utcnow()
    audit_rows: list[dict[str, Any]] = []
    moved_moves: list[tuple[Move, str]] = []
    results: list[bool] = []
    planned: list[tuple[Move, Status, dict[str, Any]]] = []
    for move in moves:
        comment = move.comment
        current = Status(comment.status)
        if expected_version is not None and expected_version != comment.version:
            raise StaleVersion(comment.version)
        check_transition(current, move.target)
        changes: dict[str, Any] = {"status": move.target.value, "version": comment.version + 1, "updated_at": now}
        changes.update(move.values)
        planned.append((move, current, changes))
    if len(planned) > 1 and expected_version is None and session.get_bind().dialect.name == "postgresql":
        moved_ids = _compare_and_set_many(session, planned)
    else:
        moved_ids = {
            move.comment.id
            for move, current, changes in planned
            if _compare_and_set(session, move.comment, current, changes)
        }
    for move, current, changes in planned:
        comment = move.comment
        if comment.id not in moved_ids:
            session.refresh(comment)
            if expected_version is not None:
                raise StaleVersion(comment.version)
            results.append(False)
            continue
        # The row now holds exactly these values: record them on the loaded object instead of
        # reading the row back (one round trip fewer on every decision).
        for key, value in changes.items():
            set_committed_value(comment, key, value)
        audit_rows.append(
            {
                "site_id": comment.site_id,
                "comment_id": comment.id,
                "actor_type": actor.type,
                "actor_id": actor.id,
                "actor_label": actor.label,
                "action": move.action,
                "from_status": current.value,
                "to_status": move.target.value,
                "reason": move.reason,
                "note": move.note,
                "policy_version": comment.policy_version,
                "created_at": now,
            }
        )
        moved_moves.append((move, current.value))
        results.append(True)
    if audit_rows:
        session.execute(_INSERT_AUDIT_ENTRY, audit_rows)
    endpoints: dict[int, list[tuple[int, list[str]]]] = {}
    for move, previous in moved_moves:
        comment = move.comment
        site = session.get(Site, comment.site_id)
        assert site is not None
        if site.id not in endpoints:
            endpoints[site.id] = enabled_endpoints(session, site.id)
        for event_type in events_for_change(move.target, actor.is_person):
            record_event(
                session,
                site,
                event_type,
                comment_payload(comment, site, previous, move.reasons),
                comment.id,
                comment.request_id,
                endpoints=endpoints[site.id],
            )
    return results


def _compare_and_set(session: Session, comment: Comment, current: Status, changes: dict[str, Any]) -> bool:
    expected = {"expected_id": comment.id, "expected_status": current.value, "expected_version": comment.version}
    result = session.execute(_COMPARE_AND_SET, {**changes, **expected})
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _compare_and_set_many(session: Session, planned: list[tuple[Move, Status, dict[str, Any]]]) -> set[int]:
    """The compare-and-sets of a batch on PostgreSQL, one UPDATE … FROM (VALUES …) RETURNING id per set of columns.

    Each row still matches only if its status and version are what were read, so the result is
    exactly what one UPDATE per comment gives; the ids returned are those that moved. (A batch of
    decisions has two or three sets of columns: published, held, rejected.)
    """
    groups: dict[tuple[str, ...], list[tuple[Move, Status, dict[str, Any]]]] = {}
    for entry in planned:
        groups.setdefault(tuple(sorted(entry[2])), []).append(entry)
    moved: set[int] = set()
    columns = _COMMENTS.c
    for keys, entries in groups.items():
        rows = values(
            column("expected_id", columns.id.type),
            column("expected_status", columns.status.type),
            column("expected_version", columns.version.type),
            *(column(key, columns[key].type) for key in keys),
            name="decided",
        ).data(
            [
                (move.comment.id, current.value, move.comment.version, *(changes[key] for key in keys))
                for move, current, changes in entries
            ]
        )
        # Each value cast to its column's type: the driver sends strings untyped, and a VALUES list
        # of them is text, which PostgreSQL will not assign to a JSON column.
        statement = (
            update(_COMMENTS)
            .where(
                columns.id == sql_cast(rows.c.expected_id, columns.id.type),
                columns.status == sql_cast(rows.c.expected_status, columns.status.type),
                columns.version == sql_cast(rows.c.expected_version, columns.version.type),
            )
            .values({key: sql_cast(rows.c[key], columns[key].type) for key in keys})
            .returning(columns.id)
        )
        moved.update(session.execute(statement).scalars())
    return moved


def find_stale_received(session: Session, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Return ids of comments still `received` after the given age, oldest first."""
    cutoff = utcnow() - dt.timedelta(seconds=older_than_seconds)
    return list(
        session.scalars(
            select(Comment.id)
            .where(Comment.status == Status.RECEIVED.value, Comment.created_at < cutoff)
            .order_by(Comment.id)
            .limit(limit)
        )
    )
