"""What every text filter needs from a comment body, computed once per comment."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from workers.filters.normalize import NormalizedText, normalize

# Words for rules and the model: letters and digits, with an inner apostrophe ("don't").
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
# The same words of an ASCII text, a quarter faster to find: ASCII classes skip Unicode look-ups.
_ASCII_WORD = re.compile(WORD.pattern, re.ASCII)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# "!" inside a word is an i ("k!ll", "d!e"); elsewhere it is punctuation.
_BANG_IN_WORD = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
# Three or more single letters spaced out: "k y s", "m u r d e r", "r-e-t-a-r-d".
_SPACED_LETTERS = re.compile(r"(?<![^\W_])(?:[^\W\d_][ .\-]){2,}[^\W\d_](?![^\W_])")


@dataclass(frozen=True)
class Analysis:
    """A comment body folded, and its words."""

    normalized: NormalizedText
    words: tuple[str, ...]
    word_set: frozenset[str]
    # The folded text with leetspeak digits and symbols read as letters (`y0u` -> `you`, `k!ll`
    # -> `kill`) and spaced-out letters closed up (`k y s` -> `kys  `, padded), character for
    # character, so positions still match `text`; what the rules read.
    plain: str
    plain_words: frozenset[str]

    @property
    def text(self) -> str:
        return self.normalized.text


def words_of(folded: str) -> list[str]:
    """Split folded text into words the way the rules and the trained model expect."""
    return (_ASCII_WORD if folded.isascii() else WORD).findall(folded)


@functools.lru_cache(maxsize=64)
def analyze(body: str) -> Analysis:
    """Fold a body and split it into words; cached so that the filters of one comment share it."""
    normalized = normalize(body)
    words = tuple(words_of(normalized.text))
    plain = normalized.text.translate(_LEET)
    if "!" in plain:
        plain = _BANG_IN_WORD.sub("i", plain)
    plain = _close_up(plain)
    plain_words = frozenset(words_of(plain)) if plain != normalized.text else frozenset(words)
    return Analysis(normalized, words, frozenset(words), plain, plain_words)


def _close_up(text: str) -> str:
    """Write spaced-out letters as one word, padded with spaces to the same length."""
    if " " not in text and "." not in text and "-" not in text:
        return text

    def closed(match: re.Match[str]) -> str:
        letters = match.group()[::2]
        return letters + " " * (len(match.group()) - len(letters))

    return _SPACED_LETTERS.sub(closed, text)
