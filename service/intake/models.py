"""What a site form may send, and what intake answers."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, field_validator

# The largest body any site may configure; each site's own limit is checked after parsing.
ABSOLUTE_MAX_BODY_CHARS = 65_525


# Control characters no form sends (tab, newline and carriage return are text), NUL among them,
# which PostgreSQL refuses. A regex: intake is the hot path, and a loop over a long body is not free.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _check_http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("must be an http:// or https:// URL")
    return value


Optional = Annotated[Any, BeforeValidator(_blank_to_none)]


class CommentSubmission(BaseModel):
    """A comment posted by a site's "Leave a Comment" form (JSON or form-encoded)."""

    model_config = ConfigDict(
        extra="ignore",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "thread": "2026/11/the-week-in-politics",
                    "body": "Well argued, though I disagree.",
                    "author_name": "Ana",
                }
            ]
        },
    )

    thread: str = Field(min_length=1, max_length=500, description="The article's id or URL.")
    body: str = Field(min_length=1, max_length=ABSOLUTE_MAX_BODY_CHARS)
    author_name: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=245)
    author_email: Annotated[EmailStr | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=100)
    author_url: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=200)
    parent: Annotated[int | None, BeforeValidator(_blank_to_none)] = Field(None, ge=1, le=2**62)
    page_url: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=2000)
    form_token: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(None, max_length=500)
    check_token: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None,
        max_length=500,
        description="From `comments:check`, when the reader was warned and posts anyway; moderators see the warning.",
    )

    @field_validator("author_url", "page_url")
    @classmethod
    def _http_urls(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    # Every stored text field: PostgreSQL refuses NUL, and no form sends control characters.
    @field_validator("thread", "body", "author_name", "author_url", "page_url", "form_token", "check_token")
    @classmethod
    def _no_control_characters(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL_CHARACTER.search(value):
            raise ValueError("must not contain control characters")
        return value


class CommentAccepted(BaseModel):
    id: int
    status: Literal["received"]
    status_url: str
    receipt: str = Field(description="Proves authorship: the `receipt` query parameter of `status_url`.")
