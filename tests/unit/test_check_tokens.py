"""Check tokens carry what a draft check warned about; only Sift's own, for the same site, are read."""

from __future__ import annotations

import pytest

from service.domain.check_tokens import CheckedWarning, issue_check_token, read_check_token
from service.domain.draft_words import SPAM_WORDS, public_action, reader_words

SECRET = "s" * 32
BODY = "You are a pathetic idiot."


def test_a_token_read_back_with_the_same_text_is_an_unchanged_warning() -> None:
    token = issue_check_token(SECRET, "news", BODY, "abuse", ("insults", "abuse-model"))
    warning = read_check_token(SECRET, token, "news", "  " + BODY + "\n")
    assert warning == CheckedWarning("abuse", ("insults", "abuse-model"), edited=False)
    assert warning.stored() == "abuse:insults,abuse-model"


def test_a_token_with_other_text_says_the_draft_was_edited() -> None:
    token = issue_check_token(SECRET, "news", BODY, "spam", ("links",))
    warning = read_check_token(SECRET, token, "news", "A kinder text.")
    assert warning is not None and warning.edited and warning.stored() == "spam:links:edited"


def test_forged_tampered_or_foreign_tokens_are_not_read() -> None:
    token = issue_check_token(SECRET, "news", BODY, "abuse", ("insults",))
    assert read_check_token(SECRET, token, "blog", BODY) is None
    assert read_check_token("t" * 32, token, "news", BODY) is None
    category, ids, digest, signature = token.split(".")
    assert read_check_token(SECRET, f"spam.{ids}.{digest}.{signature}", "news", BODY) is None
    assert read_check_token(SECRET, f"{category}.links.{digest}.{signature}", "news", BODY) is None
    for junk in ("", "a.b.c", "a.b.c.d.e", "...."):
        assert read_check_token(SECRET, junk, "news", BODY) is None


def test_the_stored_warning_fits_its_column_however_many_filters_warned() -> None:
    ids = tuple(f"filter-number-{n}" for n in range(40))
    warning = read_check_token(SECRET, issue_check_token(SECRET, "news", BODY, "abuse", ids), "news", "other")
    assert warning is not None and len(warning.stored()) <= 200
    assert warning.filter_ids[0] == "filter-number-0"


@pytest.mark.parametrize(("category", "ids"), [("other", ("links",)), ("abuse", ()), ("abuse", ("Not Kebab",))])
def test_only_real_warnings_get_a_token(category: str, ids: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        issue_check_token(SECRET, "news", BODY, category, ids)


def test_how_spam_is_caught_reads_the_same_for_every_signal() -> None:
    hidden = ["honeypot", "form-token", "blocklist", "velocity", "duplicate", "bayes", "author-reputation"]
    assert {reader_words(filter_id) for filter_id in hidden} == {SPAM_WORDS}
    assert reader_words("insults") == "This reads as an insult aimed at another reader."
    assert public_action("discard") == "reject" and public_action("hold") == "hold"
