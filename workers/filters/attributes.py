"""The learned attribute filters: one verdict per attribute whose score reaches a threshold.

Each attribute of `model.scores.ATTRIBUTES` is a filter of its own (`model-toxicity`,
`model-spam`, ...) so that policy, metrics and the moderator queue can name it; the model
runs once per comment for all of them (`scores_for` is cached on the body).
"""

from __future__ import annotations

import functools

from config.filter_policy import AttributesPolicy, ThresholdsPolicy
from workers.filters.base import Action, Category, CommentInput, Context, Verdict
from workers.filters.model.scores import ATTRIBUTES, AttributeModel, Scores, load_model

# How a moderator reads each attribute in a reason.
DESCRIPTIONS = {
    "toxicity": "toxic",
    "severe_toxicity": "severely toxic",
    "identity_attack": "an attack on an identity",
    "insult": "an insult",
    "profanity": "profane",
    "threat": "a threat",
    "sexually_explicit": "sexually explicit",
    "spam": "spam",
}


@functools.lru_cache(maxsize=64)
def scores_for(model: AttributeModel, body: str) -> Scores:
    """Score a body once for every attribute filter of the comment."""
    return model.score(body)


def filter_id(attribute: str) -> str:
    return "model-" + attribute.replace("_", "-")


class AttributeFilter:
    """Turn one attribute's probability into the action of the highest threshold it reaches."""

    def __init__(self, attribute: str, thresholds: ThresholdsPolicy, model: AttributeModel) -> None:
        self.attribute = attribute
        self.model = model
        self.id = filter_id(attribute)
        self.category = Category.SPAM if attribute == "spam" else Category.ABUSE
        # Most severe first, so the first threshold reached is the action.
        self.levels = [
            (threshold, action)
            for threshold, action in (
                (thresholds.reject, Action.REJECT),
                (thresholds.hold, Action.HOLD),
                (thresholds.censor, Action.CENSOR),
            )
            if threshold is not None
        ]

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        score = scores_for(self.model, comment.body)[self.attribute]
        action = next((action for threshold, action in self.levels if score.probability >= threshold), None)
        if action is None:
            return None
        body = comment.body
        cues = ", ".join(f'"{body[span.start : span.end]}"' for span in score.spans) or "the wording as a whole"
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=action,
            score=score.probability,
            reason=f"reads as {DESCRIPTIONS[self.attribute]}: {score.probability:.0%} likely (cues: {cues})",
            spans=score.spans,
        )


def attribute_filters(policy: AttributesPolicy, model: AttributeModel | None = None) -> list[AttributeFilter]:
    """Return a filter for every attribute with a threshold set (scored by the shipped model by default)."""
    model = model or load_model()
    filters = [AttributeFilter(attribute, policy.thresholds(attribute), model) for attribute in ATTRIBUTES]
    return [candidate for candidate in filters if candidate.levels]
