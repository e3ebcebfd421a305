"""Privacy and retention: truncate old client addresses, purge old rejected spam, erase one author's data."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.domain.statuses import RejectionReason, Status
from service.storage.models import AuditEntry, Comment, Verdict, WebhookMessage, utcnow

ERASED = "[erased]"
_BATCH = 1000


def truncate_address(address: str) -> str:
    """Keep the network only: IPv4 /24, IPv6 /48; anything unparseable is dropped."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)


def truncate_old_addresses(session: Session, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Truncate the client address of comments older than the age; return how many changed."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    changed = 0
    while True:
        rows = session.execute(
            select(Comment.id, Comment.client_ip)
            .where(Comment.ip_truncated.is_(False), Comment.created_at < cutoff)
            .order_by(Comment.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return changed
        for comment_id, address in rows:
            session.execute(
                update(Comment)
                .where(Comment.id == comment_id)
                # Keep updated_at: it dates the last decision, which the spam purge goes by.
                .values(client_ip=truncate_address(address or ""), ip_truncated=True, updated_at=Comment.updated_at)
                .execution_options(synchronize_session=False)
            )
        changed += len(rows)


def purge_old_spam(session: Session, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete comments rejected as spam longer ago than the age (verdicts and audit rows go with them)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    doomed = select(Comment.id).where(
        Comment.status == Status.REJECTED.value,
        Comment.rejection_reason == RejectionReason.SPAM.value,
        Comment.updated_at < cutoff,
    )
    ids = list(session.scalars(doomed))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        # Replies keep existing; their parent link is cleared (the schema's ON DELETE SET NULL, done here
        # explicitly so SQLite without the pragma behaves the same).
        session.execute(update(Comment).where(Comment.parent_id.in_(batch)).values(parent_id=None))
        session.execute(delete(Verdict).where(Verdict.comment_id.in_(batch)))
        session.execute(delete(AuditEntry).where(AuditEntry.comment_id.in_(batch)))
        session.execute(delete(Comment).where(Comment.id.in_(batch)))
    return len(ids)


@dataclass(frozen=True)
class Erasure:
    comments: int
    webhook_messages: int


def erase_author(session: Session, email: str) -> Erasure:
    """Remove an author's personal data from every comment of theirs, keeping statuses, scores and counts."""
    email = email.strip().lower()
    if not email:
        return Erasure(0, 0)
    ids = list(session.scalars(select(Comment.id).where(Comment.author_email == email)))
    messages = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        session.execute(
            update(Comment)
            .where(Comment.id.in_(batch))
            .values(
                body=ERASED,
                censored_body=None,
                author_name="",
                author_email="",
                author_url="",
                client_ip="",
                user_agent="",
                ip_truncated=True,
            )
            .execution_options(synchronize_session=False)
        )
        # Reasons and spans can quote the text ("phone number 555-…"); the filter, action and score stay.
        session.execute(update(Verdict).where(Verdict.comment_id.in_(batch)).values(reason=ERASED, spans=[]))
        session.execute(update(AuditEntry).where(AuditEntry.comment_id.in_(batch)).values(reason=ERASED))
        for message in session.scalars(select(WebhookMessage).where(WebhookMessage.comment_id.in_(batch))):
            message.body = _erase_event_body(message.body)
            messages += 1
    return Erasure(len(ids), messages)


def _erase_event_body(body: str) -> str:
    try:
        event = json.loads(body)
    except ValueError:
        return json.dumps({"erased": True})
    data = event.get("data") if isinstance(event, dict) else None
    if isinstance(data, dict):
        for key in ("author_name", "author_email", "author_url", "client_ip", "user_agent"):
            if key in data:
                data[key] = ""
        if "body" in data:
            data["body"] = ERASED
        data["reasons"] = []
    return json.dumps(event, separators=(",", ":"))
