"""Every bad request to intake gets its exact 4xx status, one JSON error shape, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from service.storage.accounts import create_site
from service.storage.models import Comment, Site

URL = "/v1/sites/demo/comments"
FORM = "application/x-www-form-urlencoded"


def comment_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Comment)) or 0


@pytest.fixture
def nothing_stored(sessions: sessionmaker[Session], site: Site) -> Iterator[None]:
    """Fail the test if the request under test left any comment row behind."""
    before = comment_count(sessions)
    yield
    assert comment_count(sessions) == before


def assert_error(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """Check the status and the one error shape; return the error object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["code"], str) and error["code"]
    if code is not None:
        assert error["code"] == code
    return dict(error)


def post_raw(client: FlaskClient, data: bytes | str, content_type: str = "application/json", url: str = URL) -> Any:
    return client.post(url, data=data, content_type=content_type)


# --- malformed bodies: 400 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"thread": "t", "body": "unterminated',
        b"{'thread': 't', 'body': 'single quotes'}",
        b"",
        b"   ",
        b"[" * 100_00 + b"]" * 100_00,
        b'{"thread": "t", "body": "x", "parent": 1' + b"0" * 5000 + b"}",
    ],
    ids=["truncated", "single-quotes", "empty", "blank", "deeply-nested", "huge-integer"],
)
def test_malformed_json_is_400(client: FlaskClient, nothing_stored: None, raw: bytes) -> None:
    assert_error(post_raw(client, raw), 400, "malformed")


@pytest.mark.parametrize("document", ["[]", '["thread", "body"]', '"a comment"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_400(client: FlaskClient, nothing_stored: None, document: str) -> None:
    error = assert_error(post_raw(client, document), 400, "malformed")
    assert "object" in error["message"]


def test_invalid_utf8_json_is_400(client: FlaskClient, nothing_stored: None) -> None:
    error = assert_error(post_raw(client, b'{"thread": "t", "body": "caf\xe9"}'), 400, "malformed")
    assert "UTF-8" in error["message"]


def test_invalid_utf8_form_is_400(client: FlaskClient, nothing_stored: None) -> None:
    assert_error(post_raw(client, b"thread=t&body=caf%E9", FORM), 400, "malformed")


@pytest.mark.parametrize("raw", ["thread=t&body=100%", "thread=t&body=%ZZ", "thread=%4&body=x"])
def test_form_with_invalid_percent_encoding_is_400(client: FlaskClient, nothing_stored: None, raw: str) -> None:
    assert_error(post_raw(client, raw, FORM), 400, "malformed")


# --- wrong content type: 415, too large: 413 ------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", "application/xml", ""])
def test_wrong_content_type_is_415(client: FlaskClient, nothing_stored: None, content_type: str) -> None:
    response = client.post(URL, data=json.dumps({"thread": "t", "body": "hi"}), content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_request_larger_than_the_limit_is_413(client: FlaskClient, nothing_stored: None) -> None:
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    raw = json.dumps({"thread": "t", "body": "x" * limit})
    assert_error(post_raw(client, raw), 413, "too_large")


def test_body_longer_than_the_site_allows_is_422(client: FlaskClient, nothing_stored: None) -> None:
    error = assert_error(client.post(URL, json={"thread": "t", "body": "y" * 10_001}), 422, "invalid")
    assert "body" in error["fields"]


# --- invalid fields: 422 naming them --------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "bad_fields"),
    [
        ({}, {"thread", "body"}),
        ({"thread": "t"}, {"body"}),
        ({"body": "hello"}, {"thread"}),
        ({"thread": "  ", "body": "   "}, {"thread", "body"}),
        ({"thread": "t", "body": "hi", "author_email": "not-an-email"}, {"author_email"}),
        ({"thread": "t", "body": "hi", "author_email": "a@b@c.example"}, {"author_email"}),
        ({"thread": "t", "body": "hi", "author_url": "javascript:alert(1)"}, {"author_url"}),
        ({"thread": "t", "body": "hi", "author_url": "not a url"}, {"author_url"}),
        ({"thread": "t", "body": "hi", "page_url": "ftp://example.com/x"}, {"page_url"}),
        ({"thread": "t", "body": 42}, {"body"}),
        ({"thread": "t", "body": ["a", "list"]}, {"body"}),
        ({"thread": "t", "body": {"an": "object"}}, {"body"}),
        ({"thread": 7, "body": None}, {"thread", "body"}),
        ({"thread": "t", "body": "hi", "parent": "abc"}, {"parent"}),
        ({"thread": "t", "body": "hi", "parent": -1}, {"parent"}),
        ({"thread": "t", "body": "hi", "parent": 1.5}, {"parent"}),
        ({"thread": "t", "body": "hi", "parent": 2**64}, {"parent"}),
        ({"thread": "t", "body": "hi", "author_name": "n" * 246}, {"author_name"}),
        ({"thread": "t" * 501, "body": "hi"}, {"thread"}),
        ({"thread": "t", "body": "bell\x07in the middle"}, {"body"}),
    ],
    ids=[
        "empty-object",
        "missing-body",
        "missing-thread",
        "blank-thread-and-body",
        "bad-email",
        "email-two-ats",
        "javascript-url",
        "url-with-spaces",
        "ftp-page-url",
        "body-number",
        "body-list",
        "body-object",
        "thread-number-body-null",
        "parent-text",
        "parent-negative",
        "parent-fraction",
        "parent-too-big",
        "author-name-too-long",
        "thread-too-long",
        "control-character",
    ],
)
def test_invalid_fields_are_422_naming_each_field(
    client: FlaskClient, nothing_stored: None, payload: dict[str, Any], bad_fields: set[str]
) -> None:
    error = assert_error(client.post(URL, json=payload), 422, "invalid")
    assert set(error["fields"]) == bad_fields
    assert all(isinstance(message, str) and message for message in error["fields"].values())


def test_invalid_form_fields_are_422_naming_them(client: FlaskClient, nothing_stored: None) -> None:
    response = post_raw(client, "thread=t&body=&author_email=nope", FORM)
    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {"body", "author_email"}


@pytest.mark.parametrize(
    "payload",
    [
        {"thread": "t", "body": "nul \u0000 inside"},
        {"thread": "t", "body": "hi", "author_url": "http://example.com/\u0000"},
        {"thread": "t", "body": "hi", "page_url": "http://example.com/\u0000"},
        {"thread": "t", "body": "hi", "author_email": "a\u0000@example.com"},
        {"thread": "t", "body": "lone surrogate \ud800 here"},
        {"thread": "t", "body": "hi", "author_name": "\udfff"},
        {"thread": "t", "body": "hi", "page_url": "http://example.com/\ud800"},
    ],
    ids=["nul-body", "nul-url", "nul-page-url", "nul-email", "surrogate-body", "surrogate-name", "surrogate-url"],
)
def test_text_that_cannot_be_stored_is_rejected_not_a_500(
    client: FlaskClient, nothing_stored: None, payload: dict[str, Any]
) -> None:
    # json.dumps escapes these, so they arrive as \u escapes a real client could send.
    response = post_raw(client, json.dumps(payload))
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code)


# --- site and parent: 404, 403, 422 ---------------------------------------------------------


@pytest.mark.parametrize("name", ["nosuchsite", "x" * 300, "Demo", "caf%C3%A9", "demo%0A"])
def test_unknown_site_is_404(client: FlaskClient, nothing_stored: None, name: str) -> None:
    response = client.post(f"/v1/sites/{name}/comments", json={"thread": "t", "body": "hello"})
    assert_error(response, 404, "not_found")


def test_nul_in_the_site_name_is_400(client: FlaskClient, nothing_stored: None) -> None:
    assert_error(client.post("/v1/sites/demo%00/comments", json={"thread": "t", "body": "hello"}), 400, "malformed")


def test_closed_site_is_403(client: FlaskClient, sessions: sessionmaker[Session], nothing_stored: None) -> None:
    with sessions() as session, session.begin():
        session.execute(update(Site).where(Site.name == "demo").values(is_open=False))
    response = client.post(URL, json={"thread": "t", "body": "hello"})
    assert_error(response, 403, "site_closed")


def _stored_comment(sessions: sessionmaker[Session], site_name: str, thread: str) -> int:
    with sessions() as session, session.begin():
        site = session.scalar(select(Site).where(Site.name == site_name))
        assert site is not None
        row = Comment(site_id=site.id, thread=thread, body="An existing comment.")
        session.add(row)
        session.flush()
        return row.id


def test_parent_from_another_thread_is_422(client: FlaskClient, sessions: sessionmaker[Session], site: Site) -> None:
    parent = _stored_comment(sessions, "demo", "another-article")
    before = comment_count(sessions)
    response = client.post(URL, json={"thread": "this-article", "body": "A reply.", "parent": parent})
    assert assert_error(response, 422, "invalid")["fields"] == {"parent": "no such comment in this thread"}
    assert comment_count(sessions) == before


def test_parent_from_another_site_is_422(client: FlaskClient, sessions: sessionmaker[Session], site: Site) -> None:
    with sessions() as session, session.begin():
        create_site(session, "elsewhere", "Elsewhere")
    parent = _stored_comment(sessions, "elsewhere", "article-1")
    before = comment_count(sessions)
    response = client.post(URL, json={"thread": "article-1", "body": "A reply.", "parent": parent})
    assert set(assert_error(response, 422, "invalid")["fields"]) == {"parent"}
    assert comment_count(sessions) == before


def test_parent_that_does_not_exist_is_422(client: FlaskClient, nothing_stored: None) -> None:
    response = client.post(URL, json={"thread": "t", "body": "A reply.", "parent": 999_999_999})
    assert set(assert_error(response, 422, "invalid")["fields"]) == {"parent"}


# --- the same request, done right, is accepted ----------------------------------------------


def test_a_valid_request_after_bad_ones_is_accepted_and_stored_once(
    client: FlaskClient, sessions: sessionmaker[Session], site: Site
) -> None:
    post_raw(client, b"{not json")
    client.post(URL, json={"thread": "t"})
    response = client.post(
        URL, json={"thread": "t", "body": "Finally, a proper comment.", "author_email": "A@B.example"}
    )
    assert response.status_code == 202, response.json
    assert response.json["status"] == "received"
    assert comment_count(sessions) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/v1/sites/%00/threads/t/comments",
        "/v1/sites/demo/threads/%00/comments",
        "/v1/comments/1/status?receipt=%00",
        "/v1/sites/%00/form-token",
    ],
)
def test_reads_with_a_nul_in_the_address_are_4xx(client: FlaskClient, site: Site, url: str) -> None:
    response = client.get(url)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert_error(response, response.status_code)
