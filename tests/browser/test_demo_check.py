"""A reader on the demo article: a draft that reads as an insult is explained first, and may be posted anyway."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment, Site, Verdict
from tests.support import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSULT = "You are a pathetic idiot and everyone here knows it."


def stored(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session:
        return [(row.id, row.body) for row in session.scalars(select(Comment).order_by(Comment.id))]


def decided_filters(sessions: sessionmaker[Session], comment_id: int) -> tuple[str, set[str]] | None:
    """The comment's status and its verdicts' filter ids, once it is decided."""
    with sessions() as session:
        comment = session.get_one(Comment, comment_id)
        if comment.status == "received":
            return None
        return comment.status, set(session.scalars(select(Verdict.filter_id).where(Verdict.comment_id == comment_id)))


def test_an_insulting_draft_asks_post_anyway_and_posting_marks_it_for_moderators(
    page: Page, site: Site, sessions: sessionmaker[Session]
) -> None:
    page.goto("/demo")
    page.fill("#body", INSULT)
    page.fill("#author_name", "Troll")
    page.click("text=Post Comment")

    warning = page.locator("#draft-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This reads as an insult aimed at another reader.")
    expect(warning).to_contain_text("Post anyway?")
    assert stored(sessions) == [], "a checked draft is not stored"

    page.click("#post-anyway")
    page.wait_for_url("**/demo#sift-comment-*")
    [(comment_id, body)] = stored(sessions)
    assert body == INSULT
    _, filters = wait_for(lambda: decided_filters(sessions, comment_id), what="comment decided")
    assert "posted-after-warning" in filters


def test_editing_after_a_warning_checks_again_and_a_polite_comment_posts_without_one(
    page: Page, site: Site, sessions: sessionmaker[Session]
) -> None:
    page.goto("/demo")
    page.fill("#body", INSULT)
    page.click("text=Post Comment")
    expect(page.locator("#draft-warning")).to_be_visible()

    page.click("#edit-draft")
    expect(page.locator("#draft-warning")).to_be_hidden()
    expect(page.locator("#body")).to_be_focused()
    page.fill("#body", "I think you are mistaken about the sanctions, and here is why.")
    page.click("text=Post Comment")
    page.wait_for_url("**/demo#sift-comment-*")
    [(comment_id, _)] = stored(sessions)
    status, filters = wait_for(lambda: decided_filters(sessions, comment_id), what="comment decided")
    assert status == "published" and "posted-after-warning" not in filters
