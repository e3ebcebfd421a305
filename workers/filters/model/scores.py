"""Per-attribute probabilities for a comment body, with the spans that drove each.

This is what the pipeline, the moderator views and the Perspective-compatible endpoint read.
The model is one logistic regression per attribute over the hashed word and word-pair
features of `features.py`, trained by `sift model train` and shipped as `attributes.npz`
beside this module. Scoring is a CRC per new word, one gather of weight rows and a sigmoid:
no scikit-learn at run time, and nothing here imports better-profanity or Flask, so the web
process may score drafts too.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workers.filters.base import Span
from workers.filters.model.features import Words, features_of, words_of

# Perspective's attribute names, lowercased, plus Sift's own `spam`.
ATTRIBUTES: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "identity_attack",
    "insult",
    "profanity",
    "threat",
    "sexually_explicit",
    "spam",
)

MODEL_PATH = Path(__file__).with_name("attributes.npz")
# The attributes that read swearing itself; the others score without it (see `features.py`).
READS_SWEARING = frozenset({"profanity", "sexually_explicit"})
# Spans are worked out only for attributes at least this likely: below it nothing drove them.
SPAN_FLOOR = 0.3
SPANS_PER_ATTRIBUTE = 3


@dataclass(frozen=True)
class AttributeScore:
    """A probability in [0, 1] and the spans of the original text that raised it most."""

    probability: float
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Scores:
    """Every attribute's score for one text, and the model version that computed them."""

    attributes: Mapping[str, AttributeScore]
    model_version: str

    def __getitem__(self, attribute: str) -> AttributeScore:
        return self.attributes[attribute]

    def probability(self, attribute: str) -> float:
        return self.attributes[attribute].probability


class AttributeModel:
    """One linear model per attribute over shared hashed features."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        intercepts: npt.NDArray[np.float64],
        attributes: tuple[str, ...],
        version: str,
    ) -> None:
        self.weights = weights
        self.intercepts = intercepts
        self.attributes = attributes
        self.version = version
        self._reads_swearing = np.array([name in READS_SWEARING for name in attributes])

    def score_words(self, words: Words) -> Scores:
        """Score a body already split by `features.words_of`."""
        features = features_of(words.words)
        logits = self.intercepts.copy()
        if len(features.every):
            scale = 1.0 / math.sqrt(len(features.every))
            every = self.weights[features.every].sum(axis=0, dtype=np.float64)
            if features.without_swearing is features.every:
                logits += every * scale
            else:
                clean = self.weights[features.without_swearing].sum(axis=0, dtype=np.float64)
                logits += np.where(self._reads_swearing, every, clean) * scale
        probabilities = (1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))).round(4).tolist()
        spanned = [index for index, value in enumerate(probabilities) if value >= SPAN_FLOOR]
        spans = self._spans(words, features.unigrams, spanned) if spanned else {}
        return Scores(
            {
                name: AttributeScore(probabilities[index], spans.get(index, ()))
                for index, name in enumerate(self.attributes)
            },
            self.version,
        )

    def score(self, body: str) -> Scores:
        return self.score_words(words_of(body))

    def _spans(
        self, words: Words, unigrams: npt.NDArray[np.int64], attributes: list[int]
    ) -> dict[int, tuple[Span, ...]]:
        """Return, per attribute, the ranges of the words whose own weight pushed it up most."""
        if not len(unigrams):
            return {}
        contributions = self.weights[unigrams][:, attributes]
        normalized = words.analysis.normalized
        found: dict[int, tuple[Span, ...]] = {}
        for column, attribute in enumerate(attributes):
            weights = contributions[:, column]
            strongest = np.argsort(-weights, kind="stable")[:SPANS_PER_ATTRIBUTE]
            chosen = sorted(int(i) for i in strongest if weights[i] > 0.5)
            found[attribute] = tuple(normalized.span(words.starts[i], words.ends[i]) for i in chosen)
        return found


def load_model(path: Path = MODEL_PATH) -> AttributeModel:
    """Load the shipped weights (cached per process for the default path)."""
    if path == MODEL_PATH:
        return _shipped()
    return _read(path)


@functools.cache
def _shipped() -> AttributeModel:
    return _read(MODEL_PATH)


def _read(path: Path) -> AttributeModel:
    with np.load(path, allow_pickle=False) as data:
        weights = data["weights"].astype(np.float32)
        intercepts = data["intercepts"].astype(np.float64)
        attributes = tuple(str(name) for name in data["attributes"])
        version = str(data["version"])
    return AttributeModel(weights, intercepts, attributes, version)


def score_text(text: str) -> Scores:
    """Return every attribute's probability for a comment body."""
    return _shipped().score(text)
