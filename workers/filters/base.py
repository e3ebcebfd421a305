"""The one interface every filter shares: pure data in, an optional verdict out.

Nothing in this package touches Flask, Celery, SQLAlchemy or Redis. Everything a
filter needs that lives elsewhere (counters, history, learned statistics) arrives
already gathered in a `Context`, built by `workers.context`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class Category(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"


class Action(enum.StrEnum):
    """What a verdict asks for; later members are more severe."""

    PUBLISH = "publish"
    CENSOR = "censor"
    HOLD = "hold"
    REJECT = "reject"
    DISCARD = "discard"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {action: rank for rank, action in enumerate(Action)}


@dataclass(frozen=True)
class Span:
    """A half-open character range `[start, end)` in the comment's original body."""

    start: int
    end: int


@dataclass(frozen=True)
class CommentInput:
    """The comment as the filters see it: submitted fields plus request facts."""

    site: str
    body: str
    thread: str = ""
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    client_ip: str = ""
    user_agent: str = ""
    page_url: str = ""
    honeypot_filled: bool = False
    # Outcome of the signed form token check done at intake: "ok", "missing",
    # "too-fast", "expired", "replayed", "invalid", or "" when the site does not use one.
    form_token_status: str = ""
    # What a draft check warned the author about before they posted anyway: "" if nothing, else
    # "category:filter-id,…" with ":edited" if the text changed since (service.domain.check_tokens).
    warning: str = ""


@dataclass(frozen=True)
class AuthorHistory:
    """How earlier comments by the same email or address were decided."""

    approved: int = 0
    rejected: int = 0
    held: int = 0


@dataclass(frozen=True)
class Context:
    """Every fact from outside the comment that a filter may use, gathered beforehand."""

    # Comments seen in the velocity window from the same ip / email / author name.
    velocity: Mapping[str, int] = field(default_factory=dict)
    # How many comments on the site within the duplicate window share the exact
    # fingerprint, and the best near-duplicate similarity in [0, 1].
    exact_duplicates: int = 0
    near_duplicate_similarity: float = 0.0
    author: AuthorHistory = field(default_factory=AuthorHistory)
    # Learned (Bayes) statistics for this site: documents seen per class and
    # per-token counts, only for the tokens of this comment.
    learned_documents: Mapping[str, int] = field(default_factory=dict)
    learned_token_counts: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """One filter's finding: what matched, how sure, and what it asks for."""

    filter_id: str
    category: Category
    action: Action
    score: float
    reason: str
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The pipeline's outcome: the most severe action and every verdict behind it."""

    action: Action
    verdicts: tuple[Verdict, ...]
    policy_version: str
    censored_body: str | None = None
    # The learned models' probability for each attribute (`model.scores.ATTRIBUTES`), shown to
    # moderators whatever the action; empty when the site turned the attribute filters off.
    scores: Mapping[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return max((verdict.score for verdict in self.verdicts), default=0.0)

    @property
    def category(self) -> Category | None:
        deciding = [v for v in self.verdicts if v.action == self.action]
        return deciding[0].category if deciding else None


class Filter(Protocol):
    """A pure check with a stable kebab-case id."""

    id: str
    category: Category

    def check(self, comment: CommentInput, context: Context) -> Verdict | None: ...
