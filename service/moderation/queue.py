"""The review queue: filtered, sorted, and paged with cursors that stay correct while comments arrive."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select, tuple_
from sqlalchemy.orm import Session

from service.edge.errors import ApiError
from service.edge.fields import is_row_id
from service.moderation.models import QueueItem, QueuePage, QueueQuery, VerdictOut
from service.moderation.scope import has_live_claim, resolve_sites
from service.storage.accounts import Identity
from service.storage.models import Comment, Moderator, Verdict, utcnow

COUNTED_STATUSES = ("held", "reported", "rejected", "published")


def list_queue(session: Session, moderator: Identity, query: QueueQuery) -> QueuePage:
    """Return one page of the queue and the size of each queue on the chosen sites."""
    sites = resolve_sites(moderator, query.site)
    statement = select(Comment).where(*_filters(sites, query))
    after = _decode_cursor(query.cursor, query.sort) if query.cursor else None
    # Keyset paging: each page starts strictly after the last row shown, so comments
    # arriving or leaving meanwhile never shift a page (no repeats, no gaps).
    if query.sort == "oldest":
        if after is not None:
            statement = statement.where(tuple_(Comment.created_at, Comment.id) > tuple_(*after))
        statement = statement.order_by(Comment.created_at, Comment.id)
    elif query.sort == "newest":
        if after is not None:
            statement = statement.where(tuple_(Comment.created_at, Comment.id) < tuple_(*after))
        statement = statement.order_by(Comment.created_at.desc(), Comment.id.desc())
    else:
        if after is not None:
            statement = statement.where(tuple_(Comment.score, Comment.id) < tuple_(*after))
        statement = statement.order_by(Comment.score.desc(), Comment.id.desc())
    rows = list(session.scalars(statement.limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = _encode_cursor(query.sort, rows[-1]) if more and rows else None
    return QueuePage(
        items=queue_items(session, rows, sites),
        next_cursor=next_cursor,
        counts=queue_counts(session, moderator, query.site or None),
    )


def queue_counts(session: Session, moderator: Identity, sites: list[str] | None = None) -> dict[str, int]:
    """Count the comments in each queue on the moderator's sites (or the named ones)."""
    site_ids = list(resolve_sites(moderator, sites or []))
    counts = dict.fromkeys(COUNTED_STATUSES, 0)
    if not site_ids:
        return counts
    rows = session.execute(
        select(Comment.status, func.count())
        .where(Comment.site_id.in_(site_ids), Comment.status.in_(COUNTED_STATUSES), Comment.discarded.is_(False))
        .group_by(Comment.status)
    ).all()
    counts.update({status: count for status, count in rows})
    return counts


def queue_items(session: Session, rows: list[Comment], sites: dict[int, str]) -> list[QueueItem]:
    """Describe comments for a list, with their verdicts loaded in one query."""
    ids = [row.id for row in rows]
    verdicts: dict[int, list[VerdictOut]] = {comment_id: [] for comment_id in ids}
    if ids:
        for verdict in session.scalars(select(Verdict).where(Verdict.comment_id.in_(ids)).order_by(Verdict.id)):
            verdicts[verdict.comment_id].append(verdict_out(verdict))
    claimers = claimer_emails(session, rows)
    now = utcnow()
    items = []
    for row in rows:
        claimed = has_live_claim(row, now)
        items.append(
            QueueItem(
                id=row.id,
                site=sites.get(row.site_id, ""),
                thread=row.thread,
                status=row.status,
                rejection_reason=row.rejection_reason,
                body=row.body,
                author_name=row.author_name,
                author_email=row.author_email,
                score=row.score,
                scores=row.scores or {},
                version=row.version,
                report_count=row.report_count,
                created_at=row.created_at,
                claimed_by=claimers.get(row.claimed_by or 0) if claimed else None,
                claim_expires_at=row.claim_expires_at if claimed else None,
                reasons=[v.reason for v in verdicts[row.id]],
                verdicts=verdicts[row.id],
            )
        )
    return items


def verdict_out(verdict: Verdict) -> VerdictOut:
    return VerdictOut(
        filter_id=verdict.filter_id,
        category=verdict.category,
        action=verdict.action,
        score=verdict.score,
        reason=verdict.reason,
        spans=[list(span) for span in verdict.spans or []],
    )


def claimer_emails(session: Session, rows: list[Comment]) -> dict[int, str]:
    ids = {row.claimed_by for row in rows if row.claimed_by is not None}
    if not ids:
        return {}
    found = session.execute(select(Moderator.id, Moderator.email).where(Moderator.id.in_(ids)))
    return {moderator_id: email for moderator_id, email in found}


def _filters(sites: dict[int, str], query: QueueQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Comment.site_id.in_(list(sites)),
        Comment.status.in_(list(query.status)),
        # Blatant spam is kept for the record but out of every queue.
        Comment.discarded.is_(False),
    ]
    if query.filter_id or query.category:
        verdict = select(Verdict.id).where(Verdict.comment_id == Comment.id)
        if query.filter_id:
            verdict = verdict.where(Verdict.filter_id == query.filter_id)
        if query.category:
            verdict = verdict.where(Verdict.category == query.category)
        conditions.append(exists(verdict))
    if query.since is not None:
        conditions.append(Comment.created_at >= query.since)
    if query.until is not None:
        conditions.append(Comment.created_at < query.until)
    return conditions


def _encode_cursor(sort: str, row: Comment) -> str:
    key: Any = row.score if sort == "score" else row.created_at.isoformat()
    raw = json.dumps({"sort": sort, "key": key, "id": row.id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    invalid = ApiError(422, "Some fields are invalid.", fields={"cursor": "is not a cursor from this listing"})
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or not is_row_id(data.get("id")):
            raise invalid
        if data.get("sort") != sort:
            raise ApiError(422, "Some fields are invalid.", fields={"cursor": "was made for another sort order"})
        if sort == "score":
            key: Any = float(data["key"])
        else:
            key = dt.datetime.fromisoformat(str(data["key"]))
            if key.tzinfo is None:
                raise invalid
            key = key.astimezone(dt.UTC)
    except (ValueError, TypeError, KeyError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise invalid from None
    return key, data["id"]
