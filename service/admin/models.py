"""What the admin API accepts and answers."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from service.edge.fields import AuthorEmail, AuthorName, AuthorUrl, ClientAddress, RowId, StoredText, UserAgent
from service.moderation.models import VerdictOut


class SiteOut(BaseModel):
    name: str
    display_name: str
    is_open: bool
    role: str
    policy_version: str
    report_threshold: int


class SiteList(BaseModel):
    sites: list[SiteOut]


class KeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "wordpress plugin"}]})

    label: StoredText = Field("", max_length=100)


class KeyOut(BaseModel):
    id: int
    prefix: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class NewKey(KeyOut):
    key: str = Field(description="Shown only now; only its hash is kept.")


class KeyList(BaseModel):
    keys: list[KeyOut]


class ModeratorRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"email": "ana@example.org", "role": "moderator"}]}
    )

    email: EmailStr = Field(max_length=254)
    role: Literal["moderator", "admin"] = "moderator"
    password: str | None = Field(None, min_length=8, max_length=200)
    token: bool = Field(False, description="Issue an API token, shown only in this answer.")


class ModeratorOut(BaseModel):
    id: int
    email: str
    role: str
    is_active: bool


class NewModerator(ModeratorOut):
    token: str | None = None


class ModeratorList(BaseModel):
    moderators: list[ModeratorOut]


class DryRunRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"body": "Deals at http://a.example http://b.example http://c.example"}]},
    )

    body: StoredText = Field(min_length=1, max_length=65_525)
    thread: str = Field("", max_length=500)
    author_name: AuthorName = ""
    author_email: AuthorEmail = ""
    author_url: AuthorUrl = ""
    client_ip: ClientAddress = ""
    user_agent: UserAgent = ""


class DryRunResult(BaseModel):
    action: str
    score: float
    policy_version: str
    censored_body: str | None
    verdicts: list[VerdictOut]


class NoticeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unread: bool = Field(False, description="Only notices nobody has marked read.")
    limit: int = Field(50, ge=1, le=200)
    before: RowId | None = Field(None, description="Only notices with a smaller id (the next page).")


class NoticeOut(BaseModel):
    id: int
    kind: str = Field(description="What happened, e.g. `webhook.endpoint_disabled`.")
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticeList(BaseModel):
    notices: list[NoticeOut]
    next_before: int | None = Field(description="Pass as `before` for the next page; null on the last.")
