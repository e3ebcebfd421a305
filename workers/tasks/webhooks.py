"""`webhooks.dispatch_due` (beat: lease what is due) and `webhooks.deliver` (one attempt at one delivery).

The retry schedule lives in the database (`next_attempt_at`), never in Celery countdowns, which
Redis redelivers every visibility timeout.
"""

from __future__ import annotations

import functools

import httpx
import structlog
from celery import shared_task
from sqlalchemy.exc import OperationalError

from service.storage.models import utcnow
from service.storage.outbox import claim_due
from service.webhooks.delivery import make_client
from service.webhooks.sender import LEASE_SECONDS, deliver_one
from workers import names
from workers.resources import resources_for

log = structlog.get_logger(__name__)


@functools.cache
def _client() -> httpx.Client:
    """Return this worker process's HTTP client, built after fork and kept for its connection pool."""
    return make_client()


@shared_task(name=names.DISPATCH_DUE_WEBHOOKS, bind=True, acks_late=True, ignore_result=True)
def dispatch_due(self) -> int:  # type: ignore[no-untyped-def]
    """Lease every due delivery and enqueue one attempt for each."""
    resources = resources_for(self.app)
    with resources.sessions() as session, session.begin():
        claimed = claim_due(session, utcnow(), LEASE_SECONDS)
    deliver = self.app.tasks[names.DELIVER_WEBHOOK]
    for delivery_id, lease in claimed:
        deliver.delay(delivery_id, lease)
    if claimed:
        log.info("webhooks.dispatched", count=len(claimed))
    return len(claimed)


@shared_task(
    name=names.DELIVER_WEBHOOK,
    bind=True,
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    # Below the lease, so a stuck attempt ends before another worker may take the delivery.
    soft_time_limit=LEASE_SECONDS * 0.75,
)
def deliver(self, delivery_id: int, lease: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Make one attempt at a delivery; a delivery not due (or leased to another) is left alone."""
    resources = resources_for(self.app)
    state = deliver_one(
        resources.sessions,
        delivery_id,
        client=_client(),
        allow_loopback_sites=resources.settings.webhook_allow_loopback_sites,
        lease=lease,
    )
    log.info("webhooks.attempted", delivery_id=delivery_id, state=state)
    return state
