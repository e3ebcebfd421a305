"""Bad requests over real HTTP through gunicorn: the exact 4xx, one JSON error shape, nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from service.storage.models import Comment

pytestmark = pytest.mark.slow

COMMENTS = "/v1/sites/demo/comments"


def comment_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Comment)) or 0


@pytest.fixture
def nothing_stored(http: httpx.Client, sessions: sessionmaker[Session]) -> Iterator[None]:
    before = comment_count(sessions)
    yield
    assert comment_count(sessions) == before


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def oversized_body(settings: Settings) -> bytes:
    return b'{"thread": "t", "body": "' + b"x" * (settings.max_request_bytes + 1024) + b'"}'


def test_request_over_the_limit_with_content_length_is_413(
    http: httpx.Client, settings: Settings, nothing_stored: None
) -> None:
    raw = oversized_body(settings)
    response = http.post(COMMENTS, content=raw, headers={"Content-Type": "application/json"})
    assert response.request.headers["Content-Length"] == str(len(raw))
    assert_error(response, 413, "too_large")


def test_request_over_the_limit_without_content_length_is_413(
    http: httpx.Client, settings: Settings, nothing_stored: None
) -> None:
    raw = oversized_body(settings)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 8192):
            yield raw[start : start + 8192]

    # A generator body is sent chunked, so the server learns the size only by reading.
    response = http.post(COMMENTS, content=chunks(), headers={"Content-Type": "application/json"})
    assert "Content-Length" not in response.request.headers
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert_error(response, 413, "too_large")


def test_chunked_form_over_the_limit_is_413_not_stored_cut_short(
    http: httpx.Client, settings: Settings, nothing_stored: None
) -> None:
    # Before the fix a form body was silently truncated at the limit and stored as a shorter comment.
    raw = b"thread=t&body=" + b"y" * (settings.max_request_bytes + 1024)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(raw), 8192):
            yield raw[start : start + 8192]

    response = http.post(COMMENTS, content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 413, "too_large")


def test_small_chunked_request_is_accepted(http: httpx.Client, sessions: sessionmaker[Session]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"thread": "chunked", '
        yield b'"body": "Sent in two chunks."}'

    response = http.post(COMMENTS, content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 202, response.text
    assert comment_count(sessions) == 1


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"thread": "t", "body": ', "application/json", 400, "malformed"),
        (b'["thread", "body"]', "application/json", 400, "malformed"),
        (b'{"thread": "t", "body": "caf\xe9"}', "application/json", 400, "malformed"),
        (b"thread=t&body=%E9t%E9", "application/x-www-form-urlencoded", 400, "malformed"),
        (b"thread=t&body=50%+off", "application/x-www-form-urlencoded", 400, "malformed"),
        (b"thread=t&body=hello", "text/plain", 415, "unsupported_media_type"),
    ],
    ids=["truncated-json", "json-list", "invalid-utf8-json", "invalid-utf8-form", "bad-percent-escape", "text-plain"],
)
def test_malformed_requests_are_rejected(
    http: httpx.Client, nothing_stored: None, content: bytes, content_type: str, status: int, code: str
) -> None:
    assert_error(http.post(COMMENTS, content=content, headers={"Content-Type": content_type}), status, code)


def test_invalid_fields_are_422_naming_them(http: httpx.Client, nothing_stored: None) -> None:
    payload = {"thread": "t", "body": 12, "author_email": "nobody-at-example", "author_url": "javascript:x"}
    error = assert_error(http.post(COMMENTS, json=payload), 422, "invalid")
    assert set(error["fields"]) == {"body", "author_email", "author_url"}


def test_unknown_site_is_404(http: httpx.Client, nothing_stored: None) -> None:
    response = http.post("/v1/sites/no-such-site/comments", json={"thread": "t", "body": "hello"})
    assert_error(response, 404, "not_found")
