"""`/v1/admin/sites/{site}/webhooks`: a site's admins manage its endpoints, read deliveries, and re-send them."""

from __future__ import annotations

import datetime as dt

import structlog
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from kombu.exceptions import OperationalError as KombuOperationalError
from sqlalchemy.orm import Session

from service.admin.webhook_models import (
    AttemptOut,
    DeliveryList,
    DeliveryOut,
    DeliveryQuery,
    EndpointCreate,
    EndpointList,
    EndpointOut,
    EndpointUpdate,
    NewEndpoint,
    Queued,
    Recovered,
    RecoverRequest,
    RotatedSecret,
    RotateRequest,
)
from service.edge import auth
from service.edge.api import Link, document, parse_json, parse_query
from service.edge.errors import ApiError
from service.edge.fields import is_row_id
from service.moderation.scope import admin_site
from service.runtime.services import services
from service.storage import outbox
from service.storage.models import Site, WebhookDelivery, WebhookEndpoint, utcnow
from service.webhooks import endpoints
from workers import names

log = structlog.get_logger(__name__)
blueprint = Blueprint("admin_webhooks", __name__)
TAGS = ("webhooks",)
AUTH = "moderatorToken"
BASE = "/v1/admin/sites/{site_name}/webhooks"
SITE = {"site_name": "string"}
ENDPOINT = {"site_name": "string", "endpoint_id": "integer"}
DELIVERY = {**ENDPOINT, "delivery_id": "integer"}
_SAME_SITE = {"path.site_name": "$request.path.site_name"}
_NEW_ENDPOINT = {**_SAME_SITE, "path.endpoint_id": "$response.body#/id"}
RESEND_TEST_DELIVERY = {
    **_SAME_SITE,
    "path.endpoint_id": "$request.path.endpoint_id",
    "path.delivery_id": "$response.body#/delivery_id",
}
# Where a new endpoint's id leads: every operation on one endpoint.
ENDPOINT_LINKS = {
    view: Link(view, _NEW_ENDPOINT)
    for view in (
        "show_endpoint",
        "update_endpoint",
        "delete_endpoint",
        "rotate_secret",
        "send_test_event",
        "list_deliveries",
        "recover_failed",
    )
}


def _admin_site(session: Session, site_name: str) -> Site:
    return admin_site(session, auth.current_moderator(), site_name)


def _endpoint(session: Session, site_name: str, endpoint_id: int, *, lock: bool = False) -> WebhookEndpoint:
    site = _admin_site(session, site_name)
    found = endpoints.get_endpoint(session, site.id, endpoint_id, lock=lock) if is_row_id(endpoint_id) else None
    if found is None:
        raise ApiError(404, f"No webhook endpoint {endpoint_id} on site {site_name!r}.")
    return found


def _checked_url(site: Site, url: str) -> str:
    settings = services().settings
    try:
        return endpoints.check_url(
            url,
            https_only=settings.is_production,
            allow_loopback=site.name in settings.webhook_allow_loopback_sites,
        )
    except endpoints.EndpointError as error:
        raise ApiError(422, "Some fields are invalid.", fields={"url": str(error)}) from None


def _endpoint_out(endpoint: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        events=list(endpoint.events),
        description=endpoint.description,
        enabled=endpoint.is_enabled,
        disabled_reason=endpoint.disabled_reason,
        failing_since=endpoint.failing_since,
        rotating_until=endpoints.rotating_until(endpoint),
        created_at=endpoint.created_at,
    )


def _delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        message_id=delivery.message_id,
        event_type=delivery.message.event_type,
        comment_id=delivery.message.comment_id,
        state=delivery.state,
        attempt_count=delivery.attempt_count,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        created_at=delivery.created_at,
        attempts=[
            AttemptOut(
                attempted_at=attempt.attempted_at,
                status_code=attempt.status_code,
                latency_ms=attempt.latency_ms,
                response_excerpt=attempt.response_excerpt,
                error=attempt.error,
            )
            for attempt in delivery.attempts
        ],
    )


def _send_now(delivery_id: int) -> None:
    """Ask a worker to send at once, after the commit; beat's dispatcher is the safety net if this is lost."""
    try:
        services().celery.send_task(names.DELIVER_WEBHOOK, args=[delivery_id])
    except KombuOperationalError:
        log.warning("webhooks.enqueue_failed", delivery_id=delivery_id)


@blueprint.post("/v1/admin/sites/<site_name>/webhooks")
@document(
    "POST",
    BASE,
    summary="Register a webhook endpoint (its secret is shown only in this answer)",
    tags=TAGS,
    body=EndpointCreate,
    responses={201: NewEndpoint},
    auth=AUTH,
    path_params=SITE,
    links={201: ENDPOINT_LINKS},
)
@auth.moderator_required
def create_endpoint(site_name: str) -> ResponseReturnValue:
    body = parse_json(EndpointCreate)
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
        url = _checked_url(site, body.url)
        endpoint = endpoints.create_endpoint(session, site.id, url, list(body.events), body.description)
        answer = NewEndpoint(**_endpoint_out(endpoint).model_dump(), secret=endpoint.secret)
    return jsonify(answer.model_dump(mode="json")), 201


@blueprint.get("/v1/admin/sites/<site_name>/webhooks")
@document(
    "GET", BASE, summary="List a site's webhook endpoints", tags=TAGS, responses={200: EndpointList}, auth=AUTH,
    path_params=SITE,
)  # fmt: skip
@auth.moderator_required
def list_endpoints(site_name: str) -> ResponseReturnValue:
    with services().sessions() as session:
        site = _admin_site(session, site_name)
        found = [_endpoint_out(endpoint) for endpoint in endpoints.list_endpoints(session, site.id)]
    return jsonify(EndpointList(endpoints=found).model_dump(mode="json"))


@blueprint.get("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>")
@document(
    "GET", BASE + "/{endpoint_id}", summary="Show a webhook endpoint", tags=TAGS, responses={200: EndpointOut},
    auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def show_endpoint(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    with services().sessions() as session:
        return jsonify(_endpoint_out(_endpoint(session, site_name, endpoint_id)).model_dump(mode="json"))


@blueprint.patch("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>")
@document(
    "PATCH", BASE + "/{endpoint_id}", summary="Change, disable or enable a webhook endpoint", tags=TAGS,
    body=EndpointUpdate, responses={200: EndpointOut}, auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def update_endpoint(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    body = parse_json(EndpointUpdate)
    with services().sessions() as session, session.begin():
        endpoint = _endpoint(session, site_name, endpoint_id, lock=True)
        if body.url is not None:
            site = session.get(Site, endpoint.site_id)
            assert site is not None
            endpoint.url = _checked_url(site, body.url)
        if body.events is not None:
            endpoint.events = list(body.events)
        if body.description is not None:
            endpoint.description = body.description
        if body.enabled is True and not endpoint.is_enabled:
            endpoints.enable_endpoint(endpoint)
        elif body.enabled is False and endpoint.is_enabled:
            identity = auth.current_moderator()
            outbox.disable_endpoint(session, endpoint, f"disabled by {identity.label}", notify=False)
        session.flush()
        answer = _endpoint_out(endpoint)
    return jsonify(answer.model_dump(mode="json"))


@blueprint.delete("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>")
@document(
    "DELETE", BASE + "/{endpoint_id}", summary="Delete a webhook endpoint and its delivery log", tags=TAGS,
    responses={204: None}, auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def delete_endpoint(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        session.delete(_endpoint(session, site_name, endpoint_id, lock=True))
    return "", 204


@blueprint.post("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>/rotate-secret")
@document(
    "POST", BASE + "/{endpoint_id}/rotate-secret",
    summary="Issue a new secret; the old one also signs during the grace period (body optional)",
    tags=TAGS, body=RotateRequest, responses={200: RotatedSecret}, auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def rotate_secret(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    body = parse_json(RotateRequest) if request.get_data(cache=True).strip() else RotateRequest()
    with services().sessions() as session, session.begin():
        endpoint = _endpoint(session, site_name, endpoint_id, lock=True)
        secret = endpoints.rotate_secret(endpoint, dt.timedelta(hours=body.grace_hours), utcnow())
        answer = RotatedSecret(
            id=endpoint.id, secret=secret, previous_secret_expires_at=endpoints.rotating_until(endpoint)
        )
    return jsonify(answer.model_dump(mode="json"))


@blueprint.post("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>/test")
@document(
    "POST", BASE + "/{endpoint_id}/test", summary="Send a `webhook.test` event to the endpoint", tags=TAGS,
    responses={202: Queued}, auth=AUTH, path_params=ENDPOINT,
    links={202: {"resend": Link("resend_delivery", RESEND_TEST_DELIVERY)}},
)  # fmt: skip
@auth.moderator_required
def send_test_event(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        endpoint = _endpoint(session, site_name, endpoint_id)
        if not endpoint.is_enabled:
            raise ApiError(409, "The endpoint is disabled; enable it first.", code="endpoint_disabled")
        delivery = outbox.record_test_event(session, endpoint)
        answer = Queued(delivery_id=delivery.id, message_id=delivery.message_id, state=delivery.state)
    _send_now(answer.delivery_id)
    return jsonify(answer.model_dump(mode="json")), 202


@blueprint.get("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>/deliveries")
@document(
    "GET", BASE + "/{endpoint_id}/deliveries", summary="List deliveries with every attempt, newest first",
    tags=TAGS, query=DeliveryQuery, responses={200: DeliveryList}, auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def list_deliveries(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    with services().sessions() as session:
        endpoint = _endpoint(session, site_name, endpoint_id)
        return _delivery_page(session, endpoint.site_id, endpoint.id)


@blueprint.get("/v1/admin/sites/<site_name>/webhooks/deliveries")
@document(
    "GET", BASE + "/deliveries",
    summary="List deliveries to all of the site's endpoints, newest first (`state=dead` for those that gave up)",
    tags=TAGS, query=DeliveryQuery, responses={200: DeliveryList}, auth=AUTH, path_params=SITE,
)  # fmt: skip
@auth.moderator_required
def list_site_deliveries(site_name: str) -> ResponseReturnValue:
    with services().sessions() as session:
        return _delivery_page(session, _admin_site(session, site_name).id, None)


def _delivery_page(session: Session, site_id: int, endpoint_id: int | None) -> ResponseReturnValue:
    query = parse_query(DeliveryQuery)
    found = endpoints.list_deliveries(
        session, site_id, endpoint_id=endpoint_id, state=query.state, limit=query.limit, before=query.before
    )
    page = [_delivery_out(delivery) for delivery in found]
    next_before = page[-1].id if len(page) == query.limit else None
    return jsonify(DeliveryList(deliveries=page, next_before=next_before).model_dump(mode="json"))


@blueprint.post("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend")
@document(
    "POST", BASE + "/{endpoint_id}/deliveries/{delivery_id}/resend",
    summary="Send one delivery again, with the same webhook-id", tags=TAGS, responses={202: Queued}, auth=AUTH,
    path_params=DELIVERY,
)  # fmt: skip
@auth.moderator_required
def resend_delivery(site_name: str, endpoint_id: int, delivery_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        endpoint = _endpoint(session, site_name, endpoint_id)
        delivery = endpoints.get_delivery(session, endpoint, delivery_id) if is_row_id(delivery_id) else None
        if delivery is None:
            raise ApiError(404, f"No delivery {delivery_id} for endpoint {endpoint_id}.")
        if not endpoint.is_enabled:
            raise ApiError(409, "The endpoint is disabled; enable it first.", code="endpoint_disabled")
        outbox.resend(session, delivery, utcnow())
        answer = Queued(delivery_id=delivery.id, message_id=delivery.message_id, state=delivery.state)
    _send_now(answer.delivery_id)
    return jsonify(answer.model_dump(mode="json")), 202


@blueprint.post("/v1/admin/sites/<site_name>/webhooks/<int:endpoint_id>/recover")
@document(
    "POST", BASE + "/{endpoint_id}/recover",
    summary="Send again every failed, dead or cancelled delivery created since a time", tags=TAGS,
    body=RecoverRequest, responses={202: Recovered}, auth=AUTH, path_params=ENDPOINT,
)  # fmt: skip
@auth.moderator_required
def recover_failed(site_name: str, endpoint_id: int) -> ResponseReturnValue:
    body = parse_json(RecoverRequest)
    with services().sessions() as session, session.begin():
        endpoint = _endpoint(session, site_name, endpoint_id)
        if not endpoint.is_enabled:
            raise ApiError(409, "The endpoint is disabled; enable it first.", code="endpoint_disabled")
        queued = outbox.resend_failed_since(session, endpoint, body.since, utcnow())
    # Beat's dispatcher picks them up within a second; no burst of tasks from one request.
    return jsonify(Recovered(queued=queued).model_dump(mode="json")), 202
