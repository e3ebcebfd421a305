"""Turn a comment body into the hashed word features the attribute models read.

Training (`workers.filters.model.training`) and scoring call the same function, so what the
model learned is what it is shown. Features are the folded words of `analysis.plain` (look-alike
letters, accents, zero-width marks and leetspeak already undone) and each pair of adjacent
words, hashed into a fixed number of buckets: no vocabulary ships or loads, and an unseen
word costs one CRC. CRC-32 rather than Python's `hash`, which is salted per process.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from workers.filters.analysis import WORD, Analysis, analyze

BUCKET_BITS = 20
BUCKETS = 1 << BUCKET_BITS
_MASK = BUCKETS - 1
# A multiplier that spreads a pair of word hashes over the buckets (an odd 32-bit constant).
_PAIR = 0x9E3779B1

# Listed profanity ("fucking brilliant", "you bitch", "the word 'retard'") is judged by the
# `profanity` filter, with the site's own actions, allowed words and its reading of emphasis,
# aim and mention. The models learn every listed word as one marker word, so that the marker,
# not the words around it, carries what swearing says; every attribute but `profanity` and
# `sexually_explicit` then scores without the marker's features, or a model that learned
# "fucking" would overrule a site that censors or allows it, and "the word 'bitch' is sexist"
# would be held for the word it discusses.
SWEARING = "<swearing>"


@functools.cache
def _listed() -> frozenset[str]:
    from workers.filters.profanity import default_profane_words

    return default_profane_words()


_DIGITS = re.compile(r"\d+")
_HAS_DIGIT = re.compile(r"\d")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Words:
    """A body's words as the model reads them, each with its range in the folded text."""

    analysis: Analysis
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


def words_of(body: str) -> Words:
    """Return the words the model reads from a body, with their positions."""
    analysis = analyze(body)
    plain = analysis.plain
    # Comprehensions over what the regular expression returns in C: a match object's methods,
    # called per word, cost more than the rest of the model's reading.
    ranges = [found.span() for found in WORD.finditer(plain)]
    known = _TOKENS.get
    words = [known(word) or _token(word) for word in WORD.findall(plain)]
    folded = analysis.text
    if _HAS_DIGIT.search(folded) is not None:
        # Leetspeak reading turns digits into letters ("y0u" -> "you"), but a number stays a number.
        words = ["0" if folded[start:end].isdigit() else word for word, (start, end) in zip(words, ranges, strict=True)]
    starts, ends = zip(*ranges, strict=True) if ranges else ((), ())
    return Words(analysis, tuple(words), starts, ends)


# Memos of each word's token and hash: plain dicts, not `functools.lru_cache`. A dict of strings
# and integers is invisible to the garbage collector, while an lru_cache is walked entry by entry,
# and 300,000 entries made each full collection pause the comment being decided for 40-90 ms.
_MEMO_LIMIT = 1 << 18
_TOKENS: dict[str, str] = {}
_HASHES: dict[str, int] = {}


def _token(word: str) -> str:
    found = _TOKENS.get(word)
    if found is None:
        # Every run of digits reads as one: phone numbers and prices differ only in the digits.
        digits_read_as_one = _DIGITS.sub("0", word) if any(char.isdigit() for char in word) else word
        found = SWEARING if word in _listed() else digits_read_as_one
        _remember(_TOKENS, word, found)
    return found


def word_hash(word: str) -> int:
    """Return a word's stable 32-bit hash."""
    found = _HASHES.get(word)
    if found is None:
        found = zlib.crc32(word.encode("utf-8"))
        _remember(_HASHES, word, found)
    return found


def _remember(memo: dict[str, _T], key: str, value: _T) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


@dataclass(frozen=True)
class Features:
    """A body's hashed features: per word, and distinct, with and without swearing."""

    # One bucket per word, in order, so a caller can tell which words weighed most.
    unigrams: npt.NDArray[np.int64]
    # Each distinct unigram and bigram bucket once (features are binary), ascending.
    every: npt.NDArray[np.int64]
    # The same without any feature of the swearing marker.
    without_swearing: npt.NDArray[np.int64]


_SWEARING_HASH = zlib.crc32(SWEARING.encode("utf-8"))


def features_of(words: Sequence[str]) -> Features:
    """Return the hashed unigram and bigram features of a body's words.

    In numpy: a 10,000-character comment has some 3,600 features, and a Python loop over them
    cost more than everything else the model does.
    """
    known = _HASHES.get
    hashes = np.fromiter([known(word) or word_hash(word) for word in words], dtype=np.uint64, count=len(words))
    unigrams = (hashes & _MASK).astype(np.int64)
    # Only the low bits are kept, so wrapping at 64 bits gives what unbounded integers would.
    pairs = (((hashes[:-1] * np.uint64(_PAIR)) ^ hashes[1:] ^ np.uint64(0x5BD1E995)) & _MASK).astype(np.int64)
    every = _distinct(np.concatenate((unigrams, pairs)))
    swearing = hashes == _SWEARING_HASH
    if not swearing.any():
        return Features(unigrams, every, every)
    clean_pairs = pairs[~(swearing[:-1] | swearing[1:])]
    without = _distinct(np.concatenate((unigrams[~swearing], clean_pairs)))
    return Features(unigrams, every, without)


def _distinct(buckets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the distinct buckets in ascending order: `np.unique`, at a quarter of its cost on a comment."""
    ordered = np.sort(buckets)
    if len(ordered) < 2:
        return ordered
    kept = np.empty(len(ordered), dtype=bool)
    kept[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=kept[1:])
    return ordered[kept]
