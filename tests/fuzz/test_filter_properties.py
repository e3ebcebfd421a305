"""Property tests: the filter pipeline and normalisation take any Unicode without failing."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.settings import DEFAULT_SITES_DIR
from config.sites import SitePolicies
from workers.filters.base import CommentInput, Context
from workers.filters.pipeline import pipeline_for

# Any code point (including surrogates' neighbours, combining marks, zero-width and full-width forms),
# plus the characters obfuscators favour, so the interesting paths are reached often.
TRICKY = st.sampled_from(
    ["\u200b", "\u200d", "\u0301", "\uff46", "\u0430", "1", "!", ".", "f", "u", "c", "k", "http://", " ", "\n"]
)
ANY_TEXT = st.lists(st.one_of(st.text(max_size=8), TRICKY), max_size=60).map("".join)

POLICY = SitePolicies(DEFAULT_SITES_DIR).for_site("demo")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=ANY_TEXT, name=st.text(max_size=40), email=st.text(max_size=40))
def test_pipeline_decides_any_text_with_reasons_inside_it(body: str, name: str, email: str) -> None:
    comment = CommentInput(site="demo", body=body, author_name=name, author_email=email)
    decision = pipeline_for("demo", POLICY).run(comment, Context())
    assert decision.action is not None
    for verdict in decision.verdicts:
        assert verdict.reason.strip(), verdict
        assert 0.0 <= verdict.score <= 1.0
        for span in verdict.spans:
            assert 0 <= span.start <= span.end <= len(body), (verdict.filter_id, span, len(body))


def _normaliser() -> Callable[[str], str]:
    module = pytest.importorskip("workers.filters.normalize")
    module = importlib.import_module("workers.filters.normalize")
    for name in ("normalize", "normalise", "normalize_text", "normalise_text"):
        function = getattr(module, name, None)
        if callable(function):
            return function  # type: ignore[no-any-return]
    pytest.skip("workers.filters.normalize has no normalize() function yet")


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
def test_normalisation_is_idempotent(text: str) -> None:
    normalise = _normaliser()
    once = normalise(text)
    once_text = once if isinstance(once, str) else getattr(once, "text", once)
    twice = normalise(once_text)
    twice_text = twice if isinstance(twice, str) else getattr(twice, "text", twice)
    assert twice_text == once_text


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT, data=st.data())
def test_normalised_ranges_map_back_inside_the_original(text: str, data: st.DataObject) -> None:
    module = pytest.importorskip("workers.filters.normalize")
    folded = module.normalize(text)
    start = data.draw(st.integers(0, len(folded.text)))
    end = data.draw(st.integers(start, len(folded.text)))
    span = folded.span(start, end)
    assert 0 <= span.start <= span.end <= len(text)
