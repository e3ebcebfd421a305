"""Everything a moderator needs to judge one comment, and the audit log."""

from __future__ import annotations

import base64
import binascii

import structlog
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from service.edge.errors import ApiError
from service.edge.fields import is_row_id
from service.moderation.models import (
    AuditEntryOut,
    AuditPage,
    AuditQuery,
    AuthorHistoryOut,
    CommentDetail,
    ReportOut,
)
from service.moderation.queue import claimer_emails, verdict_out
from service.moderation.scope import has_live_claim, load_comment, resolve_sites
from service.storage.accounts import Identity
from service.storage.models import AuditEntry, Comment, Moderator, Report, Verdict, utcnow

log = structlog.get_logger(__name__)


def get_detail(session: Session, moderator: Identity, comment_id: int) -> CommentDetail:
    """Describe one comment: text, normalised view, verdicts with spans, author history, reports and audit."""
    comment = load_comment(session, moderator, comment_id)
    site = moderator.site_names[comment.site_id]
    verdicts = session.scalars(select(Verdict).where(Verdict.comment_id == comment.id).order_by(Verdict.id))
    reports = session.scalars(select(Report).where(Report.comment_id == comment.id).order_by(Report.id))
    audit = session.scalars(select(AuditEntry).where(AuditEntry.comment_id == comment.id).order_by(AuditEntry.id))
    now = utcnow()
    claimed = has_live_claim(comment, now)
    return CommentDetail(
        id=comment.id,
        site=site,
        thread=comment.thread,
        parent=comment.parent_id,
        status=comment.status,
        rejection_reason=comment.rejection_reason,
        discarded=comment.discarded,
        body=comment.body,
        censored_body=comment.censored_body,
        normalized_body=normalized_view(comment.body),
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
        client_ip=comment.client_ip,
        user_agent=comment.user_agent,
        page_url=comment.page_url,
        score=comment.score,
        scores=comment.scores or {},
        version=comment.version,
        policy_version=comment.policy_version,
        report_count=comment.report_count,
        created_at=comment.created_at,
        decided_at=comment.decided_at,
        claimed_by=claimer_emails(session, [comment]).get(comment.claimed_by or 0) if claimed else None,
        claim_expires_at=comment.claim_expires_at if claimed else None,
        verdicts=[verdict_out(verdict) for verdict in verdicts],
        author_history=AuthorHistoryOut(
            by_email=_history(session, comment, Comment.author_email == comment.author_email)
            if comment.author_email
            else {},
            by_ip=_history(session, comment, Comment.client_ip == comment.client_ip) if comment.client_ip else {},
        ),
        reports=[ReportOut(reason=report.reason, created_at=report.created_at) for report in reports],
        audit=audit_out(session, list(audit), moderator),
    )


def normalized_view(body: str) -> str | None:
    """Return the text as the filters read it, or None while the normaliser is unavailable."""
    try:
        from workers.filters import normalize
    except ImportError:
        return None
    result = normalize.normalize(body)
    text = result if isinstance(result, str) else getattr(result, "text", None)
    return text if isinstance(text, str) else None


def list_audit(session: Session, moderator: Identity, query: AuditQuery) -> AuditPage:
    """Return audit entries on the caller's sites, newest first, a cursor page at a time."""
    sites = resolve_sites(moderator, query.site)
    conditions: list[ColumnElement[bool]] = [AuditEntry.site_id.in_(list(sites))]
    if query.comment_id is not None:
        conditions.append(AuditEntry.comment_id == query.comment_id)
    if query.actor_type is not None:
        conditions.append(AuditEntry.actor_type == query.actor_type)
    if query.actor is not None:
        conditions.append(AuditEntry.actor_label == query.actor.strip().lower())
    if query.action is not None:
        conditions.append(AuditEntry.action == query.action)
    if query.since is not None:
        conditions.append(AuditEntry.created_at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.created_at < query.until)
    if query.cursor:
        conditions.append(AuditEntry.id < _decode_audit_cursor(query.cursor))
    rows = list(
        session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(query.limit + 1))
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = base64.urlsafe_b64encode(f"audit:{rows[-1].id}".encode()).decode() if more and rows else None
    return AuditPage(items=audit_out(session, rows, moderator), next_cursor=cursor)


def audit_out(session: Session, rows: list[AuditEntry], moderator: Identity) -> list[AuditEntryOut]:
    people = {row.actor_id for row in rows if row.actor_type == "moderator" and row.actor_id is not None}
    emails = (
        {
            moderator_id: email
            for moderator_id, email in session.execute(
                select(Moderator.id, Moderator.email).where(Moderator.id.in_(people))
            )
        }
        if people
        else {}
    )
    return [
        AuditEntryOut(
            id=row.id,
            comment_id=row.comment_id,
            site=moderator.site_names.get(row.site_id, ""),
            actor_type=row.actor_type,
            actor=emails.get(row.actor_id or 0, row.actor_label) if row.actor_type == "moderator" else row.actor_label,
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            reason=row.reason,
            note=row.note,
            created_at=row.created_at,
        )
        for row in rows
    ]


def _history(session: Session, comment: Comment, same_author: ColumnElement[bool]) -> dict[str, int]:
    rows = session.execute(
        select(Comment.status, func.count())
        .where(Comment.site_id == comment.site_id, Comment.id != comment.id, same_author)
        .group_by(Comment.status)
    ).all()
    return {status: count for status, count in rows}


def _decode_audit_cursor(cursor: str) -> int:
    try:
        prefix, _, number = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition(":")
        last_id = int(number)
        if prefix != "audit" or not is_row_id(last_id):
            raise ValueError(cursor)
        return last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            422, "Some fields are invalid.", fields={"cursor": "is not a cursor from this listing"}
        ) from None
