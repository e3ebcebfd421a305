"""Score offensive language with a linear model trained by `scripts/train_abuse_model.py`.

The weights ship as JSON beside this module; scoring is a dictionary look-up per distinct
word and word pair and a logistic function, so the worker needs neither scikit-learn nor
numpy here, and a 10,000-character comment costs well under a millisecond.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("models") / "abuse.json"


# Numbers (Davidson's tweets are full of HTML emoji codes) and Twitter's "rt" say nothing
# about a blog comment, so the model never sees them.
_IGNORED = frozenset({"rt"})


PROFANITY = "<profanity>"


def features(words: Iterable[str], profanity: bool = True) -> set[str]:
    """Return the model's features for a comment's words: each word and each adjacent pair.

    Every listed profanity word becomes one marker. The model is trained with the marker, so
    that the marker, not the other words, carries what swearing says; scoring leaves out
    every feature with the marker (`profanity=False`), because the profanity filter already
    judges swearing with the site's own action and allowed words. Otherwise a model that
    learned "shit" would overrule a site that censors or allows it.
    """
    from workers.filters.profanity import default_profane_words

    profane = default_profane_words()
    kept = [PROFANITY if word in profane else word for word in words if word not in _IGNORED and not word.isdigit()]
    found = set(kept)
    found.update(f"{first} {second}" for first, second in itertools.pairwise(kept))
    if not profanity:
        found = {feature for feature in found if PROFANITY not in feature}
    return found


@dataclass(frozen=True)
class Score:
    """The model's probability that a comment is abusive, and the features that pushed it most."""

    probability: float
    strongest: tuple[str, ...]


class AbuseModel:
    """Logistic regression over binary word and word-pair features."""

    def __init__(self, weights: Mapping[str, float], intercept: float, threshold: float, version: str) -> None:
        self.weights = dict(weights)
        self.intercept = intercept
        self.threshold = threshold
        self.version = version

    def score(self, words: Iterable[str]) -> Score:
        weights = self.weights
        present = [
            (weight, feature)
            for feature in features(words, profanity=False)
            if (weight := weights.get(feature)) is not None
        ]
        total = self.intercept + sum(weight for weight, _ in present)
        probability = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
        strongest = tuple(feature for weight, feature in sorted(present, reverse=True)[:3] if weight > 0.5)
        return Score(probability, strongest)


@functools.cache
def load_model(path: Path = MODEL_PATH) -> AbuseModel:
    """Load the shipped weights once per process."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return AbuseModel(data["weights"], float(data["intercept"]), float(data["threshold"]), str(data["version"]))
