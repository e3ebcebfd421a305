"""The pages work at 360 px and pass a check of labels, focus order and contrast (WCAG AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.browser.pages import post_held, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The comment lines are dropped so Playwright sees a bare function expression.
AUDIT_SCRIPT = "\n".join(
    line
    for line in (Path(__file__).parent / "accessibility_audit.js").read_text().splitlines()
    if not line.startswith("//")
)


def audit(page: Page) -> list[Any]:
    problems: list[Any] = page.evaluate(AUDIT_SCRIPT)
    return problems


@pytest.fixture
def narrow_page(browser: Browser, ui_server: str) -> Page:
    context = browser.new_context(base_url=ui_server, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    return context.new_page()


def test_every_page_passes_the_accessibility_check_at_360_px(
    narrow_page: Page, ui_server: str, moderator: str, sessions: sessionmaker[Session]
) -> None:
    page = narrow_page
    comment_id = post_held(
        ui_server, sessions, "A rather long comment " * 12 + "with_an_unbroken_word_" * 6, author_name="Ana"
    )
    page.goto("/moderate/login")
    assert audit(page) == []
    sign_in(page)
    expect(page.locator(f"#comment-{comment_id}")).to_be_visible()
    assert audit(page) == []

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    assert audit(page) == []
    page.keyboard.press("Escape")

    page.goto(f"/moderate/comments/{comment_id}")
    assert audit(page) == []
    page.goto("/moderate/sites/demo")
    assert audit(page) == []
    page.context.close()


def test_keyboard_focus_starts_at_the_skip_link_and_reaches_the_sign_in_button(narrow_page: Page) -> None:
    page = narrow_page
    page.goto("/moderate/login")
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    page.context.close()
    assert order == ["Skip to content", "Sift", "email", "password", "Sign in"]
