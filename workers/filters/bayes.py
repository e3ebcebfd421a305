"""The learned spam filter: per-site token statistics combined the way SpamBayes does (Robinson-Fisher).

Only document counts are needed (how many spam and ham comments contained each token), so
the statistics live in Redis as plain counters (`workers.learning`) and the score is pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from config.filter_policy import BayesPolicy
from workers.filters.analysis import analyze
from workers.filters.base import Action, Category, CommentInput, Context, Verdict
from workers.filters.links import find_links

SPAM = "spam"
HAM = "ham"
# Labels that `sift train` and moderator decisions may use, folded onto the two classes.
LABELS = {"spam": SPAM, "abusive": SPAM, "abuse": SPAM, "ham": HAM, "clean": HAM, "ok": HAM}
MAX_TOKENS = 300
# Robinson's smoothing: an unseen token is 0.5 with the weight of this many documents.
_STRENGTH = 0.45
_PRIOR = 0.5
_MIN_DISTANCE = 0.1
_MAX_DISCRIMINATORS = 150


def tokens(body: str) -> list[str]:
    """Return the distinct tokens the learned filter counts for a body: words and link hosts."""
    analysis = analyze(body)
    found = dict.fromkeys(word for word in analysis.words if 2 <= len(word) <= 30)
    for link in find_links(body):
        found.setdefault(f"host:{link.domain}")
    found.setdefault(f"length:{min(len(analysis.words) // 10, 10)}")
    return list(found)[:MAX_TOKENS]


@dataclass(frozen=True)
class BayesScore:
    probability: float
    spammiest: tuple[str, ...]


def spam_probability(
    documents: Mapping[str, int], token_counts: Mapping[str, tuple[int, int]], body_tokens: Iterable[str]
) -> BayesScore:
    """Combine the evidence of the body's tokens; token_counts maps token -> (spam, ham) documents."""
    spam_total = max(1, documents.get(SPAM, 0))
    ham_total = max(1, documents.get(HAM, 0))
    clues: list[tuple[float, str]] = []
    for token in body_tokens:
        spam_count, ham_count = token_counts.get(token, (0, 0))
        seen = spam_count + ham_count
        if seen == 0:
            continue
        spam_ratio = min(1.0, spam_count / spam_total)
        ham_ratio = min(1.0, ham_count / ham_total)
        raw = spam_ratio / (spam_ratio + ham_ratio) if spam_ratio + ham_ratio else _PRIOR
        probability = (_STRENGTH * _PRIOR + seen * raw) / (_STRENGTH + seen)
        if abs(probability - 0.5) >= _MIN_DISTANCE:
            clues.append((probability, token))
    if not clues:
        return BayesScore(0.5, ())
    clues.sort(key=lambda clue: abs(clue[0] - 0.5), reverse=True)
    clues = clues[:_MAX_DISCRIMINATORS]
    spam_log = sum(math.log(max(1e-12, 1.0 - p)) for p, _ in clues)
    ham_log = sum(math.log(max(1e-12, p)) for p, _ in clues)
    spam_evidence = 1.0 - _chi2_survival(-2.0 * spam_log, 2 * len(clues))
    ham_evidence = 1.0 - _chi2_survival(-2.0 * ham_log, 2 * len(clues))
    spammiest = tuple(token for p, token in sorted(clues, reverse=True)[:3] if p > 0.5)
    return BayesScore((spam_evidence - ham_evidence + 1.0) / 2.0, spammiest)


def _chi2_survival(statistic: float, freedom: int) -> float:
    """Return P(chi-squared with `freedom` (even) degrees > statistic)."""
    half = statistic / 2.0
    term = math.exp(-half)
    total = term
    for index in range(1, freedom // 2):
        term *= half / index
        total += term
    return min(total, 1.0)


class BayesFilter:
    id = "bayes"
    category = Category.SPAM

    def __init__(self, policy: BayesPolicy) -> None:
        self.min_documents = policy.min_documents
        self.threshold = policy.threshold
        self.discard_threshold = policy.discard_threshold
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        documents = context.learned_documents
        if min(documents.get(SPAM, 0), documents.get(HAM, 0)) < self.min_documents:
            return None
        score = spam_probability(documents, context.learned_token_counts, tokens(comment.body))
        if score.probability < self.threshold:
            return None
        action = Action.DISCARD if score.probability >= self.discard_threshold else self.action
        cues = ", ".join(f'"{token}"' for token in score.spammiest) or "the wording as a whole"
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=action,
            score=round(score.probability, 3),
            reason=f"learned filter: {score.probability:.0%} spam (strongest cues: {cues})",
        )
