"""Helpers the browser tests share: posting comments as a site form would, and signing in through the page."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment
from tests.support import wait_for

MODERATOR_EMAIL = "mod@example.com"
MODERATOR_PASSWORD = "correct horse battery staple"
# Three links: the default policy holds a comment at two.
HELD_SUFFIX = " See http://a.example http://b.example and http://c.example"


def post_comment(base_url: str, body: str, **fields: str) -> int:
    """Post a comment over HTTP as a site's form would."""
    response = httpx.post(
        f"{base_url}/v1/sites/demo/comments", json={"thread": "article-1", "body": body, **fields}, timeout=10
    )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def status_of(sessions: sessionmaker[Session], comment_id: int) -> tuple[str, str | None]:
    with sessions() as session:
        row = session.execute(
            select(Comment.status, Comment.rejection_reason).where(Comment.id == comment_id)
        ).one_or_none()
    return (row[0], row[1]) if row is not None else ("", None)


def post_held(base_url: str, sessions: sessionmaker[Session], body: str, **fields: str) -> int:
    """Post a comment the filters hold, and wait until the worker has held it."""
    comment_id = post_comment(base_url, body + HELD_SUFFIX, **fields)
    wait_for(lambda: status_of(sessions, comment_id)[0] == "held", what=f"comment {comment_id} held")
    return comment_id


def sign_in(page: Page, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD) -> None:
    page.goto("/moderate/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
