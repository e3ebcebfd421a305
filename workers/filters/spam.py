"""Spam filters that read the comment itself: links, link domains, built-in and site phrases."""

from __future__ import annotations

import re

from config.filter_policy import LinkDomainsPolicy, LinksPolicy, SitePhrasesPolicy, SpamPhrasesPolicy
from workers.filters.analysis import analyze, words_of
from workers.filters.base import Action, Category, CommentInput, Context, Span, Verdict
from workers.filters.links import Link, find_links, registrable_domain
from workers.filters.normalize import fold_word
from workers.filters.spam_phrases import find_spam_phrases

_PHRASE_WORDS = 600
# A referral or affiliate code in a link's query or as its last path segment: `?ref=k8Jd2`,
# `&aff=`, `?r=123`, `/ref/tom99` (but not `/ref/statute-12/text`).
_REFERRAL = re.compile(
    r"[?&](?:ref|ref_?id|referr?al|refer|aff|affiliate|aff_?id|rrid|r)=[\w-]|/(?:ref|referral|affiliate)/\w+/?(?:$|[?#])|referafriend",
    re.IGNORECASE,
)


def _matches_domain(host: str, domains: frozenset[str]) -> str | None:
    """Return the listed domain a host is, or is a subdomain of."""
    labels = host.split(".")
    for index in range(len(labels) - 1):
        candidate = ".".join(labels[index:])
        if candidate in domains:
            return candidate
    return None


def _domains(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(value.strip().lower().lstrip("*.").removeprefix("www.") for value in values if value.strip())


class LinksFilter:
    id = "links"
    category = Category.SPAM

    def __init__(self, policy: LinksPolicy, allowed_domains: tuple[str, ...] = ()) -> None:
        self.hold_at = policy.hold_at
        self.action = Action(policy.action)
        self.allowed = _domains(allowed_domains)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        links = [link for link in find_links(comment.body) if _matches_domain(link.host, self.allowed) is None]
        if len(links) < self.hold_at:
            return None
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=min(1.0, len(links) / (self.hold_at * 2)),
            reason=f"{len(links)} links (site allows {self.hold_at - 1})",
            spans=tuple(Span(link.start, link.end) for link in links),
        )


class LinkDomainsFilter:
    id = "link-domains"
    category = Category.SPAM

    def __init__(self, policy: LinkDomainsPolicy) -> None:
        self.deny = _domains(policy.deny)
        self.allow = _domains(policy.allow)
        self.shorteners = _domains(policy.shorteners)
        self.deny_action = Action(policy.deny_action)
        self.shortener_action = Action(policy.shortener_action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        links = list(find_links(comment.body))
        if comment.author_url:
            links += [link for link in find_links(comment.author_url) if link.host]
        denied: list[tuple[Link, str]] = []
        shortened: list[tuple[Link, str]] = []
        for link in links:
            if _matches_domain(link.host, self.allow) is not None:
                continue
            if (domain := _matches_domain(link.host, self.deny)) is not None:
                denied.append((link, domain))
            elif (domain := _matches_domain(link.host, self.shorteners)) is not None:
                shortened.append((link, domain))
        if denied:
            names = ", ".join(dict.fromkeys(domain for _, domain in denied))
            return self._verdict(self.deny_action, 1.0, f"link to a denied domain: {names}", denied, comment)
        if shortened:
            names = ", ".join(dict.fromkeys(domain for _, domain in shortened))
            return self._verdict(
                self.shortener_action,
                0.7,
                f"shortened link hides its destination: {names}",
                shortened,
                comment,
            )
        return None

    def _verdict(
        self, action: Action, score: float, reason: str, found: list[tuple[Link, str]], comment: CommentInput
    ) -> Verdict:
        in_body = [link for link, _ in found if comment.body[link.start : link.end] == link.text]
        return Verdict(self.id, self.category, action, score, reason, tuple(Span(k.start, k.end) for k in in_body))


class SpamPhrasesFilter:
    """Built-in selling phrases, weighed together with links (see `spam_phrases`)."""

    id = "spam-phrases"
    category = Category.SPAM

    def __init__(self, policy: SpamPhrasesPolicy) -> None:
        self.threshold = policy.threshold
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        analysis = analyze(comment.body)
        weights: dict[str, float] = {}
        spans: list[Span] = []
        # Phrases are read from the words alone ("subscribe....to my....channel" is the phrase it
        # is), and from the first words only: a long comment shows its purpose early.
        for match in find_spam_phrases(" ".join(analysis.words[:_PHRASE_WORDS]), analysis.word_set):
            weights[match.label] = max(weights.get(match.label, 0.0), match.weight)
        links = find_links(comment.body)
        if links:
            # A link is spam's purpose: a comment that is little more than a link is there to
            # carry it, and any selling phrase beside a link is enough.
            words_around = len(analysis.words) - sum(len(words_of(link.text.lower())) for link in links)
            label = "a link with hardly any text" if words_around <= 3 else "a link"
            weights[label] = 1.0 if words_around <= 3 else 0.5 if words_around <= 20 else 0.3
            spans += [Span(link.start, link.end) for link in links]
            if any(_REFERRAL.search(link.text) for link in links):
                # Whoever posts a referral or affiliate link is paid for the click.
                weights["a referral link"] = 0.6
        if comment.author_url and weights:
            # A commercial website in the author field is what a blog-spam comment is for (Akismet
            # weighs it the same way); alone it is any reader's blog, so it only adds to a phrase.
            weights["a website in the author field"] = 0.3
        total = sum(weights.values())
        if total < self.threshold or len(weights) == 0:
            return None
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=round(min(1.0, total / (2 * self.threshold)), 2),
            reason="spam phrases: " + ", ".join(weights),
            spans=tuple(spans),
        )


class SitePhrasesFilter:
    """The site's own phrases, matched as whole words of the folded text (never inside a word)."""

    id = "site-phrases"
    category = Category.SPAM

    def __init__(self, policy: SitePhrasesPolicy) -> None:
        self.action = Action(policy.action)
        phrases = sorted({fold_word(phrase) for phrase in policy.phrases if fold_word(phrase)}, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases) + r")(?!\w)")
            if phrases
            else None
        )

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        if self.pattern is None:
            return None
        analysis = analyze(comment.body)
        matches = list(self.pattern.finditer(analysis.text))
        if not matches:
            return None
        found = ", ".join(dict.fromkeys(f'"{" ".join(match.group().split())}"' for match in matches))
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=0.8,
            reason=f"site spam phrase: {found}",
            spans=tuple(analysis.normalized.span(match.start(), match.end()) for match in matches),
        )


__all__ = ["LinkDomainsFilter", "LinksFilter", "SitePhrasesFilter", "SpamPhrasesFilter", "registrable_domain"]
