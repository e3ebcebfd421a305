"""The `profanity` filter: listed words as whole words, through obfuscation, with a censor action."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from config.filter_policy import ProfanityPolicy
from workers.filters.analysis import analyze
from workers.filters.base import Action, Category, CommentInput, Context, Span, Verdict
from workers.filters.lexicon import (
    EXTRA_WORDS,
    INFLECTED_STEMS,
    INNOCENT_NEXT_WORDS,
    INNOCENT_PREVIOUS_WORDS,
    NAME_WORDS,
    better_profanity_words,
    excluded_words,
    inflected_forms,
    inflections_of,
)
from workers.filters.normalize import NormalizedText, fold_word
from workers.filters.profanity_matcher import ProfanityMatcher, WordMatch

_PREVIOUS_WORD = re.compile(r"([^\W_]+)[^\w]*$")
_NEXT_WORD = re.compile(r"^[^\w]*([^\W_]+)")
_ORIGINAL_NEXT_WORD = re.compile(r"^[\s,]+(\w+)")
_ORIGINAL_PREVIOUS_WORD = re.compile(r"(\w+)\s+$")
_CONTEXT_WORDS = frozenset(INNOCENT_NEXT_WORDS) | frozenset(INNOCENT_PREVIOUS_WORDS) | NAME_WORDS


def build_vocabulary(extra_words: Iterable[str] = (), allowed_words: Iterable[str] = ()) -> dict[str, str]:
    """Return listed word -> stem: better-profanity's list, our changes, then the site's."""
    excluded = excluded_words()
    vocabulary = {word: word for word in better_profanity_words() if word not in excluded}
    vocabulary.update({word: word for word in EXTRA_WORDS})
    for form, stem in inflected_forms().items():
        vocabulary.setdefault(form, stem)
    vocabulary.update({fold_word(word): fold_word(word) for word in extra_words if fold_word(word)})
    allowed = {fold_word(word) for word in allowed_words}
    allowed |= {form for word in allowed for form in inflections_of(word)}
    return {word: stem for word, stem in vocabulary.items() if word not in allowed and stem not in allowed}


@functools.cache
def default_profane_words() -> frozenset[str]:
    """Return every plainly written listed word: the abuse model leaves these to this filter."""
    return frozenset(word for word in build_vocabulary() if word.isalpha())


@functools.lru_cache(maxsize=64)
def matcher_for(extra_words: tuple[str, ...], allowed_words: tuple[str, ...]) -> ProfanityMatcher:
    """Compile the matcher once per process for each distinct site word list."""
    return ProfanityMatcher(build_vocabulary(extra_words, allowed_words), INFLECTED_STEMS)


def mask(word: str) -> str:
    """Show a word to a moderator without spelling it out: `fuck` -> `f***`."""
    letters = word.replace(" ", "")
    return letters[:1] + "*" * max(1, len(letters) - 1)


def is_innocent(match: WordMatch, normalized: NormalizedText) -> bool:
    """Tell whether a listed word is innocent here: a fixed phrase or a capitalised name."""
    if match.word not in _CONTEXT_WORDS:
        return False
    text = normalized.text
    previous = _PREVIOUS_WORD.search(text, max(0, match.start - 30), match.start)
    following = _NEXT_WORD.search(text[match.end : match.end + 30])
    if previous is not None and previous.group(1) in INNOCENT_PREVIOUS_WORDS.get(match.word, ()):
        return True
    if following is not None and following.group(1) in INNOCENT_NEXT_WORDS.get(match.word, ()):
        return True
    if match.word in NAME_WORDS:
        span = normalized.span(match.start, match.end)
        original = normalized.original
        written = original[span.start : span.end]
        after = _ORIGINAL_NEXT_WORD.match(original[span.end : span.end + 30])
        before = _ORIGINAL_PREVIOUS_WORD.search(original[max(0, span.start - 30) : span.start])
        if written[:1].isupper() and written[1:].islower():
            if after is not None and after.group(1)[:1].isupper():
                return True
            if before is not None and before.group(1)[:1].isupper() and before.group(1).lower() != "you":
                return True
    return False


def describe(matches: Sequence[WordMatch], normalized: NormalizedText) -> str:
    """Name each distinct word masked, and how it was disguised when it was."""
    parts: list[str] = []
    seen: set[str] = set()
    for match in matches:
        written = normalized.original_slice(match.start, match.end)
        how = match.how
        if not how and written.lower() != match.word:
            how = "look-alike characters"
        label = mask(match.word) + (f" (obfuscated as {written})" if how else "")
        if label not in seen:
            seen.add(label)
            parts.append(label)
    shown = ", ".join(parts[:4])
    return shown + (f" and {len(parts) - 4} more" if len(parts) > 4 else "")


class ProfanityFilter:
    id = "profanity"
    category = Category.ABUSE

    def __init__(self, policy: ProfanityPolicy) -> None:
        self.action = Action(policy.action)
        self.mild_action = Action(policy.mild_action)
        self.mild = frozenset(fold_word(word) for word in policy.mild_words)
        self.matcher = matcher_for(policy.extra_words, policy.allowed_words)

    def find(self, body: str) -> list[WordMatch]:
        """Return the listed words in a body that are not innocent in their place."""
        normalized = analyze(body).normalized
        return [match for match in self.matcher.find(normalized) if not is_innocent(match, normalized)]

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        matches = self.find(comment.body)
        if not matches:
            return None
        normalized = analyze(comment.body).normalized
        strong = [match for match in matches if match.stem not in self.mild and match.word not in self.mild]
        shown = strong or matches
        action = self.action if strong else self.mild_action
        distinct = {match.stem for match in shown}
        label = "profanity" if strong else "mild profanity"
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=action,
            score=min(1.0, (0.7 if strong else 0.3) + 0.1 * (len(distinct) - 1)),
            reason=f"{label}: {describe(shown, normalized)}",
            spans=tuple(normalized.span(match.start, match.end) for match in matches),
        )


def censor(body: str, spans: Iterable[Span], censor_char: str = "*") -> str:
    """Mask each span as better-profanity's `censor()` masks a word: four censor characters."""
    pieces: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < position:
            continue
        pieces.append(body[position : span.start])
        pieces.append(censor_char * 4)
        position = span.end
    pieces.append(body[position:])
    return "".join(pieces)
