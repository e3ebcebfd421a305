"""The webhook outbox: events written in the caller's transaction, and the deliveries' state in the database."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from service.storage.models import (
    Comment,
    Notice,
    Site,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    utcnow,
)
from service.webhooks.schedule import AttemptResult, decide_outcome

PENDING = "pending"
FAILED = "failed"
DEAD = "dead"
CANCELLED = "cancelled"
SUCCEEDED = "succeeded"
# States the dispatcher sends when their time comes.
DUE_STATES = (PENDING, FAILED)
TEST_EVENT = "webhook.test"
ENDPOINT_DISABLED_NOTICE = "webhook.endpoint_disabled"


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
        "version": comment.version,
        "author_name": comment.author_name,
        "body": comment.censored_body or comment.body,
        "created_at": comment.created_at.isoformat(),
        "reasons": reasons,
    }


# Built once and reading two columns: it runs on every decision, mostly to find no endpoint.
_ENDPOINTS = cast(Table, WebhookEndpoint.__table__)
_ENABLED_ENDPOINTS = select(_ENDPOINTS.c.id, _ENDPOINTS.c.events).where(
    _ENDPOINTS.c.site_id == bindparam("site_id"), _ENDPOINTS.c.is_enabled.is_(True)
)


def enabled_endpoints(session: Session, site_id: int) -> list[tuple[int, list[str]]]:
    """The site's enabled endpoints, (id, events subscribed to) each."""
    return [(endpoint_id, events) for endpoint_id, events in session.execute(_ENABLED_ENDPOINTS, {"site_id": site_id})]


def record_event(
    session: Session,
    site: Site,
    event_type: str,
    data: dict[str, Any],
    comment_id: int | None,
    request_id: str = "",
    endpoints: list[tuple[int, list[str]]] | None = None,
) -> WebhookMessage | None:
    """Add an event and one pending delivery per enabled endpoint subscribed to it.

    `endpoints`: the site's `enabled_endpoints`, when the caller read them already in this transaction.
    """
    if endpoints is None:
        endpoints = enabled_endpoints(session, site.id)
    endpoint_ids = [endpoint_id for endpoint_id, events in endpoints if event_type in events]
    if not endpoint_ids:
        return None
    return _add_message(session, site.id, event_type, data, comment_id, request_id, endpoint_ids)


def record_test_event(session: Session, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a `webhook.test` event to one endpoint, whatever events it subscribes to."""
    data = {"endpoint_id": endpoint.id, "message": "A test event from Sift: your endpoint is reachable."}
    message = _add_message(session, endpoint.site_id, TEST_EVENT, data, None, "", [endpoint.id])
    session.flush()
    delivery = session.scalar(select(WebhookDelivery).where(WebhookDelivery.message_id == message.id))
    assert delivery is not None
    return delivery


def _add_message(
    session: Session,
    site_id: int,
    event_type: str,
    data: dict[str, Any],
    comment_id: int | None,
    request_id: str,
    endpoint_ids: list[int],
) -> WebhookMessage:
    now = utcnow()
    # Serialised once: every retry signs and sends exactly these bytes.
    body = json.dumps({"type": event_type, "timestamp": now.isoformat(), "data": data}, separators=(",", ":"))
    message = WebhookMessage(
        id=new_message_id(),
        site_id=site_id,
        event_type=event_type,
        comment_id=comment_id,
        body=body,
        request_id=request_id,
        created_at=now,
    )
    session.add(message)
    for endpoint_id in endpoint_ids:
        session.add(WebhookDelivery(message=message, endpoint_id=endpoint_id, next_attempt_at=now, created_at=now))
    return message


def claim_due(session: Session, now: dt.datetime, lease_seconds: float, limit: int = 200) -> list[tuple[int, str]]:
    """Lease due deliveries to the caller; return (delivery id, lease token) pairs.

    The lease moves next_attempt_at into the future, so no other dispatcher sees the row until it
    expires: a worker that dies mid-send leaves the delivery to be claimed again then. SKIP LOCKED
    lets two dispatchers on PostgreSQL take different rows; SQLite's BEGIN IMMEDIATE serialises them.
    """
    rows = session.execute(
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state.in_(DUE_STATES),
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.is_enabled.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    ).all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    lease_until = now + dt.timedelta(seconds=lease_seconds)
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(ids))
        .values(next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return [(delivery_id, lease_until.isoformat()) for delivery_id in ids]


def take_delivery(
    session: Session, delivery_id: int, now: dt.datetime, lease_seconds: float, lease: str | None = None
) -> WebhookDelivery | None:
    """Take the delivery for one attempt: the holder of `lease`, or anyone when it is due; else None."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.state not in DUE_STATES or delivery.next_attempt_at is None:
        return None
    if lease is not None:
        if delivery.next_attempt_at != dt.datetime.fromisoformat(lease):
            return None
    elif delivery.next_attempt_at > now:
        return None
    delivery.next_attempt_at = now + dt.timedelta(seconds=lease_seconds)
    return delivery


def record_attempt(
    session: Session, delivery_id: int, result: AttemptResult, now: dt.datetime, rng: random.Random
) -> str:
    """Log the attempt and move the delivery (and its endpoint's health) on; return the new state."""
    # The endpoint's row is locked before the delivery's: the order every change to a whole
    # endpoint takes (deleting it deletes its deliveries, disabling it cancels them), so an
    # attempt recorded while an admin deletes the endpoint waits for it instead of deadlocking.
    endpoint_id = session.scalar(select(WebhookDelivery.endpoint_id).where(WebhookDelivery.id == delivery_id))
    if endpoint_id is None or session.get(WebhookEndpoint, endpoint_id, with_for_update=True) is None:
        return "gone"
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        return "gone"
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            attempted_at=now,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            response_excerpt=result.response_excerpt,
            error=result.error,
        )
    )
    delivery.attempt_count += 1
    delivery.last_attempt_at = now
    endpoint = delivery.endpoint
    outcome = decide_outcome(result, delivery.attempt_count, now, endpoint.failing_since, rng)
    delivery.state = outcome.state
    delivery.next_attempt_at = outcome.next_attempt_at
    endpoint.failing_since = outcome.failing_since
    if outcome.disable_reason is not None and endpoint.is_enabled:
        disable_endpoint(session, endpoint, outcome.disable_reason)
    return outcome.state


def disable_endpoint(session: Session, endpoint: WebhookEndpoint, reason: str, notify: bool = True) -> None:
    """Stop sending to an endpoint, cancel what it still had queued, and tell the site's admins."""
    endpoint.is_enabled = False
    endpoint.disabled_reason = reason[:200]
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.state.in_(DUE_STATES))
        .values(state=CANCELLED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    if notify:
        session.add(
            Notice(
                site_id=endpoint.site_id,
                kind=ENDPOINT_DISABLED_NOTICE,
                message=f"Webhook endpoint {endpoint.id} ({endpoint.url}) was disabled: {reason}. "
                "Fix the receiver, then enable it again and re-send the failed deliveries.",
            )
        )


def resend(session: Session, delivery: WebhookDelivery, now: dt.datetime) -> None:
    """Queue a delivery to be sent again now, with the same message id."""
    delivery.state = PENDING
    delivery.next_attempt_at = now


def resend_failed_since(session: Session, endpoint: WebhookEndpoint, since: dt.datetime, now: dt.datetime) -> int:
    """Queue again every failed, dead or cancelled delivery of the endpoint created since `since`; return how many."""
    result = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.state.in_((FAILED, DEAD, CANCELLED)),
            WebhookDelivery.created_at >= since,
        )
        .values(state=PENDING, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
