"""A site's webhook endpoints: register, change, rotate the secret, delete, and read their deliveries."""

from __future__ import annotations

import datetime as dt
import ipaddress

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.storage.models import WebhookDelivery, WebhookEndpoint, WebhookMessage, utcnow
from service.webhooks.ssrf import is_allowed
from workers.webhooks import new_secret


class EndpointError(ValueError):
    """A URL or request the endpoint cannot take; the message says why."""


def check_url(url: str, *, https_only: bool, allow_loopback: bool) -> str:
    """Return the URL if webhooks may be registered to it, else raise EndpointError.

    Names are not resolved here (that happens at every send); IP literals are refused at once.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise EndpointError("not a valid URL") from None
    allowed_schemes = ("https",) if https_only else ("https", "http")
    if parsed.scheme not in allowed_schemes:
        raise EndpointError(f"the URL must start with {' or '.join(s + '://' for s in allowed_schemes)}")
    if not parsed.host:
        raise EndpointError("the URL has no host")
    if parsed.userinfo:
        raise EndpointError("the URL must not carry a user name or password")
    if parsed.fragment:
        raise EndpointError("the URL must not have a #fragment")
    try:
        literal = ipaddress.ip_address(parsed.host)
    except ValueError:
        literal = None
    if literal is not None and not is_allowed(literal, allow_loopback):
        raise EndpointError(f"{literal} is not a public address")
    if literal is None and parsed.host in ("localhost", "localhost.localdomain") and not allow_loopback:
        raise EndpointError("localhost is not a public address")
    return str(parsed)


def create_endpoint(
    session: Session, site_id: int, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Add an endpoint with a fresh secret."""
    endpoint = WebhookEndpoint(site_id=site_id, url=url, events=events, description=description, secret=new_secret())
    session.add(endpoint)
    session.flush()
    return endpoint


def list_endpoints(session: Session, site_id: int) -> list[WebhookEndpoint]:
    return list(
        session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.site_id == site_id).order_by(WebhookEndpoint.id))
    )


def get_endpoint(session: Session, site_id: int, endpoint_id: int, *, lock: bool = False) -> WebhookEndpoint | None:
    """Return the site's endpoint, or None when it has none with that id."""
    statement = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.site_id == site_id)
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement)


def enable_endpoint(endpoint: WebhookEndpoint) -> None:
    """Send to the endpoint again, with a clean failure record."""
    endpoint.is_enabled = True
    endpoint.disabled_reason = ""
    endpoint.failing_since = None


def rotate_secret(endpoint: WebhookEndpoint, grace: dt.timedelta, now: dt.datetime) -> str:
    """Give the endpoint a new secret; the old one keeps signing too until the grace period ends."""
    if grace > dt.timedelta(0):
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + grace
    else:
        endpoint.previous_secret = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret = new_secret()
    return endpoint.secret


def rotating_until(endpoint: WebhookEndpoint, now: dt.datetime | None = None) -> dt.datetime | None:
    """Return until when the previous secret still signs, or None when it no longer does."""
    expires = endpoint.previous_secret_expires_at
    return expires if endpoint.previous_secret and expires is not None and expires > (now or utcnow()) else None


def list_deliveries(
    session: Session,
    site_id: int,
    *,
    endpoint_id: int | None = None,
    state: str | None,
    limit: int,
    before: int | None,
) -> list[WebhookDelivery]:
    """Return the site's deliveries (or one endpoint's), newest first, with their messages and attempts loaded."""
    statement = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookEndpoint.site_id == site_id)
        .options(selectinload(WebhookDelivery.attempts), selectinload(WebhookDelivery.message))
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if endpoint_id is not None:
        statement = statement.where(WebhookDelivery.endpoint_id == endpoint_id)
    if state is not None:
        statement = statement.where(WebhookDelivery.state == state)
    if before is not None:
        statement = statement.where(WebhookDelivery.id < before)
    return list(session.scalars(statement))


def get_delivery(session: Session, endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery | None:
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    return delivery if delivery is not None and delivery.endpoint_id == endpoint.id else None


def message_of(session: Session, delivery: WebhookDelivery) -> WebhookMessage:
    message = session.get(WebhookMessage, delivery.message_id)
    assert message is not None
    return message
