"""Build a site's filter chain once per policy version and run it on comments."""

from __future__ import annotations

import functools
import re

from config.sites import SitePolicy
from workers.filters.base import Action, Category, CommentInput, Context, Decision, Filter, Span, Verdict

# Placeholder pipeline: links only. The filters issue replaces this module's internals.
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


class LinksFilter:
    id = "links"
    category = Category.SPAM

    def __init__(self, hold_at: int, action: Action) -> None:
        self.hold_at = hold_at
        self.action = action

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        matches = list(_LINK.finditer(comment.body))
        if len(matches) < self.hold_at:
            return None
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=min(1.0, len(matches) / (self.hold_at * 2)),
            reason=f"{len(matches)} links (site allows {self.hold_at - 1})",
            spans=tuple(Span(m.start(), m.end()) for m in matches),
        )


class Pipeline:
    def __init__(self, policy: SitePolicy, filters: list[Filter]) -> None:
        self.policy = policy
        self.filters = filters

    def run(self, comment: CommentInput, context: Context) -> Decision:
        verdicts = tuple(v for f in self.filters if (v := f.check(comment, context)) is not None)
        action = max((v.action for v in verdicts), key=lambda a: a.severity, default=Action.PUBLISH)
        if self.policy.moderation.premoderation and action.severity < Action.HOLD.severity:
            action = Action.HOLD
        return Decision(action=action, verdicts=verdicts, policy_version=self.policy.version)


@functools.lru_cache(maxsize=256)
def pipeline_for(site: str, policy: SitePolicy) -> Pipeline:
    """Return the compiled pipeline for a site's policy (cached per process)."""
    filters: list[Filter] = []
    if policy.filters.links.enabled:
        filters.append(LinksFilter(policy.filters.links.hold_at, Action(policy.filters.links.action)))
    return Pipeline(policy, filters)
