"""One delivery attempt end to end: take the row, sign, send to a checked address, record the outcome.

Celery-free, so tests call it in-process with their own clock, HTTP client and resolver; the
`webhooks.deliver` task is a thin wrapper around it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site, WebhookDelivery, utcnow
from service.storage.outbox import CANCELLED, record_attempt, take_delivery
from service.webhooks.delivery import send_webhook
from service.webhooks.ssrf import Resolver, resolve_host
from workers.webhooks import signature_headers, signing_secrets

# How long a taken delivery is left alone before the dispatcher may take it again: well past
# the 15 s request timeout, so only a worker that died mid-send loses its lease.
LEASE_SECONDS = 60.0
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class _Planned:
    message_id: str
    url: str
    body: str
    keys: list[str]
    allow_loopback: bool


def deliver_one(
    sessions: sessionmaker[Session],
    delivery_id: int,
    *,
    client: httpx.Client,
    allow_loopback_sites: tuple[str, ...],
    lease: str | None = None,
    clock: Clock = utcnow,
    rng: random.Random | None = None,
    resolve: Resolver = resolve_host,
) -> str:
    """Make one attempt at a delivery if it is due (or `lease` is ours); return its new state or why not."""
    with sessions() as session, session.begin():
        planned = _take(session, delivery_id, clock(), lease, allow_loopback_sites)
    if isinstance(planned, str):
        return planned
    # The timestamp a receiver checks against its own clock is the real moment the bytes leave.
    headers = signature_headers(planned.message_id, planned.body, planned.keys, dt.datetime.now(dt.UTC))
    result = send_webhook(
        client, planned.url, planned.body, headers, allow_loopback=planned.allow_loopback, resolve=resolve
    )
    with sessions() as session, session.begin():
        return record_attempt(session, delivery_id, result, clock(), rng or random.Random())


def _take(
    session: Session, delivery_id: int, now: dt.datetime, lease: str | None, allow_loopback_sites: tuple[str, ...]
) -> _Planned | str:
    delivery: WebhookDelivery | None = take_delivery(session, delivery_id, now, LEASE_SECONDS, lease)
    if delivery is None:
        return "not-due"
    endpoint = delivery.endpoint
    if not endpoint.is_enabled:
        delivery.state = CANCELLED
        delivery.next_attempt_at = None
        return CANCELLED
    site = session.get(Site, endpoint.site_id)
    assert site is not None
    return _Planned(
        message_id=delivery.message_id,
        url=endpoint.url,
        body=delivery.message.body,
        keys=signing_secrets(endpoint.secret, endpoint.previous_secret, endpoint.previous_secret_expires_at, now),
        allow_loopback=site.name in allow_loopback_sites,
    )
