"""A moderator works the queue in a real browser: sign in, keyboard decisions, bulk, undo, hostile text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment
from tests.browser.pages import post_held, sign_in, status_of
from tests.support import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_moderator_signs_in_and_approves_the_first_comment_with_the_keyboard(
    page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    first = post_held(ui_server, sessions, "First held comment.", author_name="Ana")
    second = post_held(ui_server, sessions, "Second held comment.", author_name="Ben")

    sign_in(page)

    expect(page).to_have_url(f"{ui_server}/moderate/")
    expect(page.locator('[data-count="held"]')).to_have_text("2")
    expect(page.locator(f"#comment-{first}")).to_have_class("item current")
    expect(page.locator(f"#comment-{first} .reasons")).to_contain_text("3 links")
    expect(page.locator(f"#comment-{first} mark").first).to_have_text("http://a.example")

    page.keyboard.press("a")

    expect(page.locator(f"#comment-{first}")).to_have_count(0)
    expect(page.locator(f"#comment-{second}")).to_have_class("item current")
    expect(page.locator('[data-count="held"]')).to_have_text("1")
    wait_for(lambda: status_of(sessions, first) == ("published", None), what="approved comment published")
    assert status_of(sessions, second) == ("held", None)


def test_wrong_password_shows_a_clear_message_and_keeps_the_email(page: Page, moderator: str) -> None:
    sign_in(page, password="not the password")

    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Email")).to_have_value(moderator)


def test_bulk_reject_as_spam_then_undo_restores_both(
    page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    ids = [post_held(ui_server, sessions, f"Bulk candidate {n}.") for n in range(3)]
    sign_in(page)
    expect(page.locator(".item")).to_have_count(3)

    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Reject selected (spam)").click()

    expect(page.locator(".item")).to_have_count(1)
    expect(page.locator(f"#comment-{ids[2]}")).to_be_visible()
    wait_for(lambda: status_of(sessions, ids[0]) == ("rejected", "spam"), what="first rejected as spam")
    assert status_of(sessions, ids[1]) == ("rejected", "spam")
    assert status_of(sessions, ids[2]) == ("held", None)

    page.keyboard.press("u")

    expect(page.locator(".item")).to_have_count(3)
    expect(page.locator('[data-count="held"]')).to_have_text("3")
    wait_for(lambda: status_of(sessions, ids[0]) == ("held", None), what="first back to held")
    assert status_of(sessions, ids[1]) == ("held", None)


def test_hostile_html_in_a_comment_shows_as_text_and_runs_nothing(
    page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    hostile = '<script>window.pwned = "script"</script><img src=x onerror="window.pwned = \'onerror\'">'
    comment_id = post_held(ui_server, sessions, hostile, author_name='<b onmouseover="window.pwned=1">Eve</b>')
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page)

    item = page.locator(f"#comment-{comment_id}")
    expect(item.locator(".body")).to_contain_text("<script>window.pwned")
    expect(item.locator(".body")).to_contain_text("onerror=")
    expect(item.locator(".author")).to_have_text('<b onmouseover="window.pwned=1">Eve</b>')
    assert item.locator(".body script, .body img").count() == 0
    item.locator(".author").hover()

    page.goto(f"/moderate/comments/{comment_id}")
    expect(page.locator(".body").first).to_contain_text("<img src=x onerror=")
    page.wait_for_load_state("load")
    assert page.evaluate("window.pwned") is None
    assert dialogs == []


def test_posts_without_the_csrf_token_are_refused(
    page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    comment_id = post_held(ui_server, sessions, "Someone else's form wants this approved.")
    sign_in(page)
    expect(page.locator(f"#comment-{comment_id}")).to_be_visible()

    form_post = page.request.post(
        "/moderate/decisions", form={"one": f"{comment_id}:2:approve"}, headers={"Accept": "application/json"}
    )
    api_post = page.request.post(
        f"/v1/moderation/comments/{comment_id}/decision", data={"action": "approve", "version": 2}
    )
    sign_out = page.request.post("/moderate/logout", form={}, headers={"Accept": "application/json"})

    assert form_post.status == 403 and form_post.json()["error"]["code"] == "csrf_failed"
    assert api_post.status == 403 and api_post.json()["error"]["code"] == "csrf_failed"
    assert sign_out.status == 403
    assert status_of(sessions, comment_id) == ("held", None)
    page.reload()
    expect(page.locator(f"#comment-{comment_id}")).to_be_visible()


def test_admin_tries_a_text_on_the_site_page_and_nothing_is_stored(
    page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    sign_in(page)
    page.get_by_role("link", name="Site demo").click()
    expect(page.locator(".policy")).to_contain_text("hold_at: 2")

    page.get_by_label("Comment text").fill("Buy now http://a.example http://b.example http://c.example")
    page.get_by_role("button", name="Run the filters").click()

    expect(page.locator("#try-action")).to_have_text("hold")
    expect(page.locator("#try-result .reasons")).to_contain_text("3 links")
    expect(page.locator("#try-result mark").first).to_have_text("http://a.example")
    expect(page.get_by_label("Comment text")).to_have_value(
        "Buy now http://a.example http://b.example http://c.example"
    )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0
