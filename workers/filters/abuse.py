"""Abuse filters beyond the word list and the learned models: threat, harassment and insult rules, personal data."""

from __future__ import annotations

import re
import string

from config.filter_policy import PersonalDataPolicy, RulePolicy, ShoutingPolicy
from workers.filters.abuse_rules import find_rules
from workers.filters.analysis import analyze
from workers.filters.base import Action, Category, CommentInput, Context, Span, Verdict


class RuleFilter:
    """One of `threats`, `harassment`, `insults`: patterns of who is targeted, see `abuse_rules`."""

    category = Category.ABUSE

    def __init__(self, filter_id: str, policy: RulePolicy) -> None:
        self.id = filter_id
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        analysis = analyze(comment.body)
        matches = find_rules(analysis.plain, analysis.plain_words, self.id)
        if not matches:
            return None
        normalized = analysis.normalized
        labels = list(dict.fromkeys(match.rule.label for match in matches))
        quoted = normalized.original_slice(matches[0].start, matches[0].end)
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=max(match.rule.score for match in matches),
            reason=f'{"; ".join(labels)}: "{quoted}"',
            spans=tuple(normalized.span(match.start, match.end) for match in matches),
        )


# Phone numbers as people write them: "+44 7911 123456", "(555) 123-4567", "555-123-4567",
# "07911123456". IP addresses, dates, times and prices have other shapes.
_PHONE = re.compile(
    r"(?<![\w.+-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{2,5}\)[ .-]?|\d{2,5}[ -])\d{3,4}[ -]\d{3,4}(?![\w.-]?\d)"
    r"|(?<![\w.+-])(?:\+\d{10,14}|0\d{9,10})(?![\w.-]?\d)"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


class PersonalDataFilter:
    id = "personal-data"
    category = Category.ABUSE

    def __init__(self, policy: PersonalDataPolicy) -> None:
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        body = comment.body
        if "@" not in body and _DIGIT_RUN.search(body) is None:
            return None
        phones = list(_PHONE.finditer(body))
        emails = list(_EMAIL.finditer(body))
        if not phones and not emails:
            return None
        kinds = []
        if phones:
            kinds.append(f"{len(phones)} phone number{'s' if len(phones) > 1 else ''}")
        if emails:
            kinds.append(f"{len(emails)} email address{'es' if len(emails) > 1 else ''}")
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=0.6,
            reason=f"personal data in the text: {' and '.join(kinds)}",
            spans=tuple(_span(match) for match in phones + emails),
        )


_DIGIT_RUN = re.compile(r"\d[\d\s.()-]{7,}\d")


def _span(match: re.Match[str]) -> Span:
    return Span(match.start(), match.end())


# Counting capitals with `str.translate` keeps a 10,000-character comment in C.
_DROP_UPPER = str.maketrans("", "", string.ascii_uppercase)
_DROP_LOWER = str.maketrans("", "", string.ascii_lowercase)


class ShoutingFilter:
    id = "shouting"
    category = Category.ABUSE

    def __init__(self, policy: ShoutingPolicy) -> None:
        self.min_letters = policy.min_letters
        self.ratio = policy.ratio
        self.action = Action(policy.action)

    def check(self, comment: CommentInput, context: Context) -> Verdict | None:
        body = comment.body
        upper = len(body) - len(body.translate(_DROP_UPPER))
        if upper < self.min_letters:
            return None
        lower = len(body) - len(body.translate(_DROP_LOWER))
        share = upper / (upper + lower)
        if share < self.ratio:
            return None
        return Verdict(
            filter_id=self.id,
            category=self.category,
            action=self.action,
            score=round(min(1.0, share), 2),
            reason=f"shouting: {share:.0%} of {upper + lower} letters are capitals",
        )
