"""Build a site's filter chain once per policy version and run it on comments."""

from __future__ import annotations

import functools
import gc
from collections.abc import Sequence

from config.sites import SitePolicy
from workers.filters.abuse import PersonalDataFilter, RuleFilter, ShoutingFilter
from workers.filters.attributes import attribute_filters, scores_for
from workers.filters.base import Action, Category, CommentInput, Context, Decision, Filter, Span, Verdict
from workers.filters.bayes import BayesFilter
from workers.filters.model.scores import AttributeModel, load_model
from workers.filters.profanity import ProfanityFilter, censor
from workers.filters.spam import LinkDomainsFilter, LinksFilter, SitePhrasesFilter, SpamPhrasesFilter
from workers.filters.traffic import (
    AuthorReputationFilter,
    BlocklistFilter,
    DuplicateFilter,
    FormTokenFilter,
    HoneypotFilter,
    VelocityFilter,
)
from workers.filters.warning import PostedAfterWarningFilter


def build_filters(policy: SitePolicy, model: AttributeModel | None = None) -> list[Filter]:
    """Return the enabled filters of a policy, cheapest first; `model` replaces the shipped one."""
    settings = policy.filters
    candidates: list[tuple[bool, Filter]] = [
        (settings.honeypot.enabled, HoneypotFilter(settings.honeypot)),
        (settings.form_token.enabled, FormTokenFilter(settings.form_token)),
        (settings.blocklist.enabled, BlocklistFilter(settings.blocklist)),
        (settings.velocity.enabled, VelocityFilter(settings.velocity)),
        (settings.duplicate.enabled, DuplicateFilter(settings.duplicate)),
        (settings.author_reputation.enabled, AuthorReputationFilter(settings.author_reputation)),
        (settings.links.enabled, LinksFilter(settings.links, settings.link_domains.allow)),
        (settings.link_domains.enabled, LinkDomainsFilter(settings.link_domains)),
        (settings.spam_phrases.enabled, SpamPhrasesFilter(settings.spam_phrases)),
        (settings.site_phrases.enabled, SitePhrasesFilter(settings.site_phrases)),
        (settings.bayes.enabled, BayesFilter(settings.bayes)),
        (settings.profanity.enabled, ProfanityFilter(settings.profanity)),
        (settings.threats.enabled, RuleFilter("threats", settings.threats)),
        (settings.harassment.enabled, RuleFilter("harassment", settings.harassment)),
        (settings.insults.enabled, RuleFilter("insults", settings.insults)),
        (settings.personal_data.enabled, PersonalDataFilter(settings.personal_data)),
        (settings.shouting.enabled, ShoutingFilter(settings.shouting)),
    ]
    # Always on: it only tells moderators what the author was warned about, and changes no action.
    candidates.append((True, PostedAfterWarningFilter()))
    chosen = [candidate for enabled, candidate in candidates if enabled]
    if settings.attributes.enabled:
        chosen.extend(attribute_filters(settings.attributes, model))
    return chosen


class Pipeline:
    def __init__(self, policy: SitePolicy, filters: Sequence[Filter], model: AttributeModel | None = None) -> None:
        self.policy = policy
        self.filters = list(filters)
        self.model = (model or load_model()) if policy.filters.attributes.enabled else None

    def run(self, comment: CommentInput, context: Context) -> Decision:
        """Run every filter; the most severe action wins and every verdict is kept."""
        verdicts = tuple(v for f in self.filters if (v := f.check(comment, context)) is not None)
        if self._trusted(context):
            verdicts = tuple(_trust(v) for v in verdicts)
        action = max((v.action for v in verdicts), key=lambda a: a.severity, default=Action.PUBLISH)
        if self.policy.moderation.premoderation and action.severity < Action.HOLD.severity:
            verdicts += (
                Verdict(
                    "premoderation",
                    Category.SPAM,
                    Action.HOLD,
                    0.0,
                    "the site holds every comment for a moderator",
                ),
            )
            action = Action.HOLD
        censored = None
        if action is Action.CENSOR:
            spans: list[Span] = [span for v in verdicts if v.action is Action.CENSOR for span in v.spans]
            censored = censor(comment.body, spans)
        scores = {}
        if self.model is not None:
            found = scores_for(self.model, comment.body)
            scores = {name: value.probability for name, value in found.attributes.items()}
        return Decision(
            action=action,
            verdicts=verdicts,
            policy_version=self.policy.version,
            censored_body=censored,
            scores=scores,
        )

    def _trusted(self, context: Context) -> bool:
        needed = self.policy.moderation.trust_authors_after_approved
        history = context.author
        return needed > 0 and history.rejected == 0 and history.approved >= needed


def _trust(verdict: Verdict) -> Verdict:
    """Let a trusted author's comment through a spam hold; abuse and rejections still count."""
    if verdict.category is not Category.SPAM or verdict.action is not Action.HOLD:
        return verdict
    return Verdict(
        verdict.filter_id,
        verdict.category,
        Action.PUBLISH,
        verdict.score,
        verdict.reason + " (published: trusted author)",
        verdict.spans,
    )


@functools.lru_cache(maxsize=256)
def pipeline_for(site: str, policy: SitePolicy) -> Pipeline:
    """Return the compiled pipeline for a site's policy (cached per process)."""
    pipeline = Pipeline(policy, build_filters(policy))
    # What a pipeline holds (the policy's pydantic models, word indexes, the model) lives as long
    # as the process. Frozen, the garbage collector stops walking it: pydantic's validators are
    # slow to walk, and every full collection paused the comment being decided for 30-120 ms.
    gc.freeze()
    return pipeline
