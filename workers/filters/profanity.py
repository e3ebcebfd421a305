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
    GROUP_SLURS,
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
# Unlike `analysis.words_of`, an apostrophe splits a word here, so "you're" reads as "you".
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"[.!?\n]")
# Swearing is aimed at someone when its sentence addresses the reader next to it ("you shit",
# "you're a fucking ...", "fuck you", "your bullshit"), when it curses someone or something
# ("fuck off", "fuck wikipedia", "damn you", "eat shit"), or when it makes an insulting compound
# ("shit head", "fuck face"). Mild words count "you" only before them: "your ass" is a body.
_SECOND_PERSON = frozenset(
    ["you", "u", "ya", "yall", "your", "ur", "yours", "youre", "yourself", "urself", "yourselves"]
)
_ADDRESSED_BEFORE_MILD = frozenset(["you", "u", "ya", "yall", "youre", "yourself"])
_INSULT_COMPOUNDS = frozenset(
    ["head", "heads", "face", "faces", "bag", "bags", "stain", "stains", "eater", "eaters", "brain", "brains"]
)
_PEOPLE = frozenset(["you", "u", "ya", "yall", "yourself", "urself", "yourselves", "him", "her", "them"])
_CURSES_ANYTHING = frozenset({"fuck", "fucks"})
_CURSES_PEOPLE = frozenset({"damn", "goddamn"})
# "fuck yeah", "fuck it", "fuck up", "fuck around": exclamations and phrasal verbs, not curses.
_NOT_CURSED = frozenset(
    ["yeah", "yes", "yea", "ya", "yeh", "yep", "no", "it", "me", "up", "around", "about", "out", "outta"]
)
# After "the" an expletive is an exclamation: "what the fuck", "the fuck out".
_THE = frozenset({"the", "da", "tha", "teh"})
_NEXT_WORD_PLAIN = re.compile(r"[ \t]+([^\W_]+)")
# A word named rather than used: "the word 'retard' should never be used", "the term \"fag\" is a slur".
_NAMING = re.compile(r"\b(?:the|that|this)\s+(?:word|term|slur|insult|epithet)\s*[:,]?\s*['\"\u2018\u201c]?$")


def _sentence_before(match: WordMatch, text: str) -> list[str]:
    """The words before a match in its sentence, at most 60 characters back."""
    before = text[max(0, match.start - 60) : match.start]
    ends = list(_SENTENCE_END.finditer(before))
    return _WORD.findall(before[ends[-1].end() :] if ends else before)


def is_aimed(match: WordMatch, text: str, mild: bool = False) -> bool:
    """Tell whether swearing is aimed at someone by the words around it in its sentence."""
    previous = _sentence_before(match, text)[-3:]
    if "eat" in previous:
        return True
    if mild:
        if not _ADDRESSED_BEFORE_MILD.isdisjoint(previous):
            return True
    else:
        after = text[match.end : match.end + 40]
        end = _SENTENCE_END.search(after)
        following_words = _WORD.findall(after[: end.start()] if end else after)[:2]
        if not _SECOND_PERSON.isdisjoint(previous) or not _SECOND_PERSON.isdisjoint(following_words):
            return True
    # Only a word straight after it, past spaces: "Fuck, I miss you" curses no one.
    following = _NEXT_WORD_PLAIN.match(text, match.end)
    if following is None:
        return False
    word = following.group(1)
    if word in _INSULT_COMPOUNDS:
        return True
    if previous and previous[-1] in _THE:
        return False
    if match.word in _CURSES_ANYTHING:
        return word not in _NOT_CURSED
    return match.word in _CURSES_PEOPLE and word in _PEOPLE


def is_mentioned(match: WordMatch, normalized: NormalizedText) -> bool:
    """Tell whether a plainly written word is named as a word, to talk about it, and aimed at no one.

    Arguing about a word ("the word 'retard' should never be used") is speech a political site
    keeps; "the word retard describes you" is aimed, a disguised spelling is not a mention, and
    a slur against a group (`GROUP_SLURS`) holds however it is framed.
    """
    if match.word in GROUP_SLURS or match.stem in GROUP_SLURS:
        return False
    text = normalized.text
    if _NAMING.search(text, max(0, match.start - 30), match.start) is None or is_disguised(match, normalized):
        return False
    return _SECOND_PERSON.isdisjoint(_sentence_before(match, text)) and not is_aimed(match, text)


def is_disguised(match: WordMatch, normalized: NormalizedText) -> bool:
    """Tell whether a word was disguised: separated, stretched, leetspeak or look-alike letters."""
    return bool(match.how) or normalized.original_slice(match.start, match.end).lower() != match.word


def nothing_but(matches: Sequence[WordMatch], text: str) -> bool:
    """Tell whether the matched words are all the words the text has."""
    position, rest = 0, []
    for match in sorted(matches, key=lambda m: m.start):
        rest.append(text[position : match.start])
        position = max(position, match.end)
    rest.append(text[position:])
    return not any(_WORD.search(piece) for piece in rest)


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
    """Return every plainly written listed word: the attribute models leave these to this filter."""
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
        self.expletive_action = Action(policy.expletive_action)
        self.mild = frozenset(fold_word(word) for word in policy.mild_words)
        self.expletives = frozenset(fold_word(word) for word in policy.expletives)
        self.matcher = matcher_for(policy.extra_words, policy.allowed_words)

    def find(self, body: str) -> list[WordMatch]:
        """Return the listed words in a body that are not innocent in their place, nor only mentioned."""
        normalized = analyze(body).normalized
        return [
            match
            for match in self.matcher.find(normalized)
            if not is_innocent(match, normalized) and not is_mentioned(match, normalized)
        ]

    def _is_mild(self, match: WordMatch, normalized: NormalizedText) -> bool:
        """Mild swearing, or an expletive written plainly: either one only when aimed at no one."""
        if match.stem in self.mild or match.word in self.mild:
            return not is_aimed(match, normalized.text, mild=True)
        return (
            match.word in self.expletives
            and not is_disguised(match, normalized)
            and not is_aimed(match, normalized.text)
        )

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        matches = self.find(comment.body)
        if not matches:
            return None
        normalized = analyze(comment.body).normalized
        strong = [match for match in matches if not self._is_mild(match, normalized)]
        if not strong and nothing_but(matches, normalized.text):
            # A comment of swearing alone says nothing else: it is not emphasis of anything.
            strong = [match for match in matches if match.word in self.expletives]
        shown = strong or matches
        if strong:
            action = self.action
        elif any(match.word in self.expletives for match in matches):
            action = max(self.expletive_action, self.mild_action, key=lambda a: a.severity)
        else:
            action = self.mild_action
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
