"""Per-attribute probabilities for a comment body, with the spans that drove each.

This is the interface the pipeline, the moderator views and the Perspective-compatible
endpoint read. It imports neither better-profanity nor Flask, so the web process may score
drafts too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workers.filters.base import Span

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


def score_text(text: str) -> Scores:
    """Return every attribute's probability for a comment body."""
    # Interim: the learned multi-attribute model replaces this (issue 15).
    from workers.filters.abuse_model import load_model
    from workers.filters.analysis import analyze

    model = load_model()
    analysis = analyze(text)
    toxicity = model.score(analysis.words).probability
    scores = {name: AttributeScore(0.0) for name in ATTRIBUTES}
    scores["toxicity"] = AttributeScore(toxicity)
    scores["insult"] = AttributeScore(toxicity * 0.8)
    return Scores(scores, model.version)
