# ruff: noqa: RUF001, RUF002  (look-alike characters are what this file is about)
"""Fold a comment into the plain lowercase text the word filters match, keeping the way back.

Spammers and trolls write `ｆｕｃｋ`, `fսck` (Armenian), `f\u200buck` or `fú̈ck` so that a word
list misses them. Every text filter matches the folded text; spans found there are mapped back
to the original, which stays untouched for display. Separators inside words, stretched letters
and leetspeak are resolved by the matchers (see `profanity_matcher`), because undoing them
needs to know which word is meant.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from workers.filters.base import Span

# Letters from other scripts that look like Latin ones. Unicode's confusables.txt is far larger;
# these are the look-alikes seen in evasion (Cyrillic, Greek, Armenian, a few Latin variants
# that NFKD does not decompose), and each is folded only after lowercasing.
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ұ": "y", "ӏ": "l", "ɡ": "g", "ь": "b", "п": "n",
    "з": "3",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "σ": "o",
    "ϲ": "c", "ϳ": "j", "ί": "i", "ό": "o", "ύ": "u", "έ": "e", "ά": "a", "ή": "n",
    # Armenian and Latin letters without a decomposition
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "ı": "i", "ł": "l", "ø": "o", "đ": "d",
    "ħ": "h", "ŧ": "t", "ƒ": "f", "ß": "ss", "æ": "ae", "œ": "oe", "ɑ": "a", "ɩ": "i", "ʋ": "u",
}  # fmt: skip

# Format characters (category Cf) that render as nothing: zero-width spaces and joiners,
# the word joiner, the byte-order mark and the soft hyphen. All Cf are dropped.
_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc"})
_KEPT_CONTROLS = frozenset("\n\r\t")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """Return what one character of the original becomes in the folded text (possibly nothing)."""
    category = unicodedata.category(char)
    if category in _DROPPED_CATEGORIES and char not in _KEPT_CONTROLS:
        return ""
    folded = []
    for part in unicodedata.normalize("NFKC", char).lower():
        part = _CONFUSABLES.get(part, part)
        for piece in unicodedata.normalize("NFKD", part):
            if unicodedata.category(piece) not in _DROPPED_CATEGORIES:
                folded.append(_CONFUSABLES.get(piece, piece))
    return "".join(folded)


@dataclass(frozen=True)
class NormalizedText:
    """The original body, its folded form, and where each folded character came from."""

    original: str
    text: str
    # offsets[i] is the index in `original` of the character that produced text[i];
    # None when the folding kept every character in place (plain ASCII).
    offsets: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> Span:
        """Map a range of the folded text to the range of the original it came from."""
        if self.offsets is None:
            return Span(start, end)
        if start >= len(self.offsets):
            return Span(len(self.original), len(self.original))
        last = self.offsets[max(start, end - 1)]
        return Span(self.offsets[start], last + 1)

    def original_slice(self, start: int, end: int) -> str:
        """Return the original characters behind a range of the folded text."""
        span = self.span(start, end)
        return self.original[span.start : span.end]

    @property
    def changed(self) -> bool:
        """Tell whether folding did more than lowercase plain ASCII."""
        return self.offsets is not None


def normalize(original: str) -> NormalizedText:
    """Fold confusables, width, accents, invisible marks and case; remember each origin."""
    if not original:
        return NormalizedText(original, original)
    # Lowercasing ASCII maps one character to one, so offsets are the identity,
    # unless a control character other than whitespace needs dropping.
    if original.isascii() and _ASCII_CONTROL.search(original) is None:
        return NormalizedText(original, original.lower())
    # Fold each distinct character once; the text is rebuilt in C by `str.translate`.
    table = {ord(char): fold_char(char) for char in set(original)}
    text = original.translate(table)
    if len(text) == len(original) and all(len(folded) == 1 for folded in table.values()):
        return NormalizedText(original, text, None)
    # Some characters vanished or became several: walk only to those, copying ranges between.
    irregular = {char for char in set(original) if len(table[ord(char)]) != 1}
    offsets: list[int] = []
    copied = 0
    for found in re.finditer("[" + "".join(re.escape(char) for char in irregular) + "]", original):
        index = found.start()
        offsets.extend(range(copied, index))
        offsets.extend([index] * len(table[ord(original[index])]))
        copied = index + 1
    offsets.extend(range(copied, len(original)))
    return NormalizedText(original, text, tuple(offsets))


@functools.lru_cache(maxsize=4096)
def fold_word(word: str) -> str:
    """Fold a configured word (extra or allowed words, phrases) the way comments are folded."""
    return normalize(word.strip()).text
