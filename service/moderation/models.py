"""What the moderation API accepts and answers; the same models drive validation and /openapi.json."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.edge.fields import RowId, StoredText, UtcDatetime

QueueStatus = Literal["held", "reported", "rejected", "published"]
QueueSort = Literal["oldest", "newest", "score"]
DecisionAction = Literal["approve", "reject", "spam", "delete"]
MAX_BULK_DECISIONS = 500


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class QueueQuery(_Query):
    """Filters for the review queue; lists may be given comma-separated (`status=held,reported`)."""

    site: list[str] = Field(default_factory=list, description="Site names; all of the moderator's sites if empty.")
    status: list[QueueStatus] = Field(default_factory=lambda: ["held", "reported"])
    filter_id: str | None = Field(None, max_length=64, description="Only comments this filter gave a verdict on.")
    category: Literal["spam", "abuse"] | None = None
    since: UtcDatetime | None = Field(None, description="Received at or after (ISO 8601).")
    until: UtcDatetime | None = Field(None, description="Received before (ISO 8601).")
    sort: QueueSort = "oldest"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=500)

    _split_lists = field_validator("site", "status", mode="before")(_split)


class VerdictOut(BaseModel):
    filter_id: str
    category: str
    action: str
    score: float
    reason: str
    spans: list[list[int]]


class QueueItem(BaseModel):
    id: int
    site: str
    thread: str
    status: str
    rejection_reason: str | None
    body: str
    author_name: str
    author_email: str
    score: float
    scores: dict[str, float] = Field(description="The learned models' probability per attribute.")
    version: int
    report_count: int
    created_at: dt.datetime
    claimed_by: str | None
    claim_expires_at: dt.datetime | None
    reasons: list[str]
    verdicts: list[VerdictOut]


class QueuePage(BaseModel):
    items: list[QueueItem]
    next_cursor: str | None
    counts: dict[str, int]


class AuditEntryOut(BaseModel):
    id: int
    comment_id: int
    site: str
    actor_type: str
    actor: str
    action: str
    from_status: str
    to_status: str
    reason: str
    note: str
    created_at: dt.datetime


class AuthorHistoryOut(BaseModel):
    """Other comments on the same site by the same email or address, counted by status."""

    by_email: dict[str, int]
    by_ip: dict[str, int]


class ReportOut(BaseModel):
    reason: str
    created_at: dt.datetime


class CommentDetail(BaseModel):
    id: int
    site: str
    thread: str
    parent: int | None
    status: str
    rejection_reason: str | None
    discarded: bool
    body: str
    censored_body: str | None
    normalized_body: str | None = Field(description="The text as the filters saw it, after undoing obfuscation.")
    author_name: str
    author_email: str
    author_url: str
    client_ip: str
    user_agent: str
    page_url: str
    score: float
    scores: dict[str, float] = Field(
        description="The learned models' probability per attribute (toxicity, insult, threat, spam...)."
    )
    version: int
    policy_version: str
    report_count: int
    created_at: dt.datetime
    decided_at: dt.datetime | None
    claimed_by: str | None
    claim_expires_at: dt.datetime | None
    verdicts: list[VerdictOut]
    author_history: AuthorHistoryOut
    reports: list[ReportOut]
    audit: list[AuditEntryOut]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"action": "approve", "version": 2}]})

    action: DecisionAction
    version: int = Field(ge=1, le=2**31 - 1)
    note: StoredText = Field("", max_length=2000)


class DecisionResult(BaseModel):
    id: int
    action: str
    status: str
    rejection_reason: str | None
    version: int
    changed: bool = Field(description="False when the same decision had already been made (a safe retry).")


class BulkDecisionItem(DecisionRequest):
    id: int = Field(ge=1, le=2**62)


class BulkDecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decisions: list[BulkDecisionItem] = Field(min_length=1, max_length=MAX_BULK_DECISIONS)


class ItemError(BaseModel):
    code: str
    message: str


class BulkDecisionOutcome(BaseModel):
    id: int
    ok: bool
    result: DecisionResult | None = None
    error: ItemError | None = None


class BulkDecisionResponse(BaseModel):
    results: list[BulkDecisionOutcome]
    succeeded: int
    failed: int


class ClaimRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: int = Field(600, ge=30, le=3600, description="How long the claim lasts unless renewed.")


class ClaimResult(BaseModel):
    id: int
    claimed_by: str | None
    claim_expires_at: dt.datetime | None


class AuditQuery(_Query):
    site: list[str] = Field(default_factory=list)
    comment_id: RowId | None = None
    actor_type: Literal["system", "moderator", "site-key"] | None = None
    actor: str | None = Field(None, max_length=254, description="A moderator's email.")
    action: str | None = Field(None, max_length=32)
    since: UtcDatetime | None = None
    until: UtcDatetime | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = Field(None, max_length=500)

    _split_lists = field_validator("site", mode="before")(_split)


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


class StatsQuery(_Query):
    site: list[str] = Field(default_factory=list)
    days: int = Field(30, ge=1, le=365)

    _split_lists = field_validator("site", mode="before")(_split)


class FilterOverturn(BaseModel):
    filter_id: str
    reviewed: int = Field(description="Comments this filter held or rejected that a moderator then decided.")
    overturned: int = Field(description="Of those, how many the moderator published after all.")
    overturn_rate: float


class SiteStats(BaseModel):
    site: str
    queue: dict[str, int]
    decisions_per_day: dict[str, int]
    filters: list[FilterOverturn]


class StatsResponse(BaseModel):
    sites: list[SiteStats]
