"""`posted-after-warning` tells moderators what the author was warned about, and changes no decision."""

from __future__ import annotations

from workers.filters.base import Action, Category, CommentInput, Context
from workers.filters.warning import PostedAfterWarningFilter


def test_no_warning_no_verdict() -> None:
    assert PostedAfterWarningFilter().check(CommentInput(site="s", body="hi"), Context()) is None


def test_a_warning_becomes_a_publish_verdict_naming_it() -> None:
    comment = CommentInput(site="s", body="x", warning="abuse:insults,abuse-model")
    verdict = PostedAfterWarningFilter().check(comment, Context())
    assert verdict is not None
    assert (verdict.filter_id, verdict.category, verdict.action) == (
        "posted-after-warning",
        Category.ABUSE,
        Action.PUBLISH,
    )
    assert verdict.reason == "posted after a warning (insults, abuse-model); unchanged since the warning"


def test_a_spam_warning_on_an_edited_draft() -> None:
    verdict = PostedAfterWarningFilter().check(CommentInput(site="s", body="x", warning="spam:links:edited"), Context())
    assert verdict is not None and verdict.category is Category.SPAM
    assert verdict.reason.endswith("edited since the warning")
