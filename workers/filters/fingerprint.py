"""Fingerprints of a comment's folded text: exact (hash) and near (64-bit SimHash of word shingles)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORDS = re.compile(r"[^\W_]+")
# Enough words to tell two comments apart; longer ones are compared on their beginning.
MAX_WORDS = 2000


def fingerprint(folded: str) -> str:
    """Return a hash of the text's words only, so spacing and punctuation changes still match."""
    return hashlib.sha256(" ".join(_WORDS.findall(folded)).encode()).hexdigest()[:32]


def simhash(folded: str) -> int:
    """Return Charikar's SimHash over word pairs: similar texts differ in few of the 64 bits."""
    words = _WORDS.findall(folded)[:MAX_WORDS]
    shingles = {" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))} if words else {""}
    digests = b"".join(hashlib.blake2b(shingle.encode(), digest_size=8).digest() for shingle in shingles)
    # One row of 64 bits per shingle; a bit of the SimHash is set where most rows have it.
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(len(shingles), 8), axis=1)
    majority = bits.sum(axis=0) * 2 > len(shingles)
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def similarity(first: int, second: int) -> float:
    """Return the share of equal bits between two SimHashes, in [0, 1]."""
    return 1.0 - (first ^ second).bit_count() / 64
