"""What the webhook admin API accepts and answers; the same models drive validation and /openapi.json."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.domain.events import ALL_EVENTS
from service.edge.fields import RowId, StoredText, UtcDatetime

EventName = Literal["comment.published", "comment.held", "comment.rejected", "comment.moderated", "comment.reported"]
DeliveryState = Literal["pending", "succeeded", "failed", "dead", "cancelled"]
MAX_URL_LENGTH = 2000
DEFAULT_GRACE_HOURS = 24
# The URLs the schema offers clients (and fuzzers): http(s), a host name, an optional port and path.
# check_url decides the rest at registration (no user info or fragment; https only in production;
# IP literals must be public), so the schema says what is always accepted outside production.
URL_SCHEMA = {
    "pattern": r"^https?://[a-z][a-z0-9-]{0,30}(\.[a-z][a-z0-9-]{0,30}){0,3}(:[1-9][0-9]{0,3})?(/[a-z0-9._~-]{0,40}){0,4}$"
}


def _unique_events(events: list[str]) -> list[str]:
    if not events:
        raise ValueError("choose at least one event")
    return [name for name in ALL_EVENTS if name in events]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EndpointCreate(_Body):
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="http(s) URL; https only in production.",
        json_schema_extra=URL_SCHEMA,
    )
    events: list[EventName] = Field(description="The events this endpoint receives.", min_length=1)
    description: StoredText = Field("", max_length=500)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"url": "https://hooks.example.org/sift", "events": ["comment.published"]}]}
    )

    _events = field_validator("events")(_unique_events)


class EndpointUpdate(_Body):
    url: str | None = Field(None, min_length=1, max_length=MAX_URL_LENGTH, json_schema_extra=URL_SCHEMA)
    events: list[EventName] | None = Field(None, min_length=1)
    description: StoredText | None = Field(None, max_length=500)
    enabled: bool | None = Field(None, description="false disables the endpoint; true enables it again.")

    @field_validator("events")
    @classmethod
    def _check_events(cls, events: list[str] | None) -> list[str] | None:
        return None if events is None else _unique_events(events)


class RotateRequest(_Body):
    grace_hours: int = Field(
        DEFAULT_GRACE_HOURS, ge=0, le=168, description="How long the old secret also signs (0: stop at once)."
    )


class RecoverRequest(_Body):
    since: UtcDatetime = Field(description="Re-send failed, dead and cancelled deliveries created at or after this.")


class DeliveryQuery(_Body):
    state: DeliveryState | None = None
    limit: int = Field(50, ge=1, le=200)
    before: RowId | None = Field(None, description="Only deliveries with a smaller id (the next page).")


class EndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    enabled: bool
    disabled_reason: str
    failing_since: dt.datetime | None
    rotating_until: dt.datetime | None = Field(description="Until when the previous secret also signs.")
    created_at: dt.datetime


class NewEndpoint(EndpointOut):
    secret: str = Field(description="The `whsec_` signing secret, shown only now.")


class RotatedSecret(BaseModel):
    id: int
    secret: str = Field(description="The new `whsec_` secret, shown only now.")
    previous_secret_expires_at: dt.datetime | None


class EndpointList(BaseModel):
    endpoints: list[EndpointOut]


class AttemptOut(BaseModel):
    attempted_at: dt.datetime
    status_code: int | None
    latency_ms: float
    response_excerpt: str
    error: str


class DeliveryOut(BaseModel):
    id: int
    endpoint_id: int
    message_id: str = Field(description="The `webhook-id`, the same on every attempt.")
    event_type: str
    comment_id: int | None
    state: str
    attempt_count: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    created_at: dt.datetime
    attempts: list[AttemptOut]


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]
    next_before: int | None = Field(description="Pass as `before` for the next page; null on the last.")


class Queued(BaseModel):
    delivery_id: int
    message_id: str
    state: str


class Recovered(BaseModel):
    queued: int
