"""Write webhook events into the outbox in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import Comment, Site, WebhookDelivery, WebhookEndpoint, WebhookMessage, utcnow


def new_message_id() -> str:
    """Return a unique, time-ordered message id (`msg_` + UUIDv7-like hex, no dots)."""
    millis = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    return f"msg_{millis:012x}{uuid.uuid4().hex[:20]}"


def comment_payload(
    comment: Comment, site: Site, previous_status: str, reasons: list[dict[str, Any]]
) -> dict[str, Any]:
    """Describe a comment for an event body."""
    return {
        "id": comment.id,
        "site": site.name,
        "thread": comment.thread,
        "parent": comment.parent_id,
        "status": comment.status,
        "previous_status": previous_status,
        "rejection_reason": comment.rejection_reason,
        "author_name": comment.author_name,
        "body": comment.censored_body or comment.body,
        "created_at": comment.created_at.isoformat(),
        "reasons": reasons,
    }


def record_event(
    session: Session, site: Site, event_type: str, data: dict[str, Any], comment_id: int | None, request_id: str = ""
) -> WebhookMessage | None:
    """Add an event and one pending delivery per enabled endpoint subscribed to it."""
    endpoints = [
        endpoint
        for endpoint in session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.site_id == site.id, WebhookEndpoint.is_enabled.is_(True))
        )
        if event_type in endpoint.events
    ]
    if not endpoints:
        return None
    now = utcnow()
    body = json.dumps({"type": event_type, "timestamp": now.isoformat(), "data": data}, separators=(",", ":"))
    message = WebhookMessage(
        id=new_message_id(), site_id=site.id, event_type=event_type, comment_id=comment_id, body=body,
        request_id=request_id, created_at=now,
    )
    session.add(message)
    for endpoint in endpoints:
        session.add(WebhookDelivery(message=message, endpoint_id=endpoint.id, next_attempt_at=now, created_at=now))
    return message
