"""Abuse that word lists miss: insults aimed at someone, harassment and threats.

The rules look for who is targeted and who acts, not for violent words: "I will shoot you"
and "someone should shoot the author" are threats; "protesters were shot", "the general was
assassinated" and "Death to America" (quoted) are reporting and publish. The rules and their
exceptions are data, in `abuse_rules.yaml` beside this module, written for site operators to read;
`rule_file` compiles them at import. All patterns run on the folded text (see `normalize`), so
`Y0U` or full-width letters change nothing; leetspeak inside the insult words is left to the
profanity list and the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workers.filters.rule_file import Rule, load_rule_file

RULE_FILE = Path(__file__).with_name("abuse_rules.yaml")
_RULE_SET = load_rule_file(RULE_FILE)
RULES: tuple[Rule, ...] = _RULE_SET.rules

__all__ = ["RULES", "RULE_FILE", "Rule", "RuleMatch", "find_rules"]


@dataclass(frozen=True)
class RuleMatch:
    """One rule that matched, with where in the folded text."""

    rule: Rule
    start: int
    end: int


_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")
_WORD = re.compile(r"[^\W_]+")
# Longer texts are searched sentence by sentence, and only the sentences holding a trigger.
_WHOLE_TEXT_BELOW = 400


def find_rules(text: str, words: frozenset[str], filter_id: str) -> list[RuleMatch]:
    """Return every match of the given filter's rules in the folded text, whose words are given.

    Words quoted in reported speech are left out: see `_outside_reported_quotes`.
    """
    rules = [rule for rule in RULES if rule.filter_id == filter_id and not rule.triggers.isdisjoint(words)]
    if not rules:
        return []
    return _outside_reported_name_calling(text, _outside_reported_quotes(text, _matches(text, rules)))


def _matches(text: str, rules: list[Rule]) -> list[RuleMatch]:
    if len(text) < _WHOLE_TEXT_BELOW:
        return [RuleMatch(rule, found.start(), found.end()) for rule in rules for found in rule.pattern.finditer(text)]
    matches = []
    for sentence in _SENTENCE.finditer(text):
        sentence_words = set(_WORD.findall(sentence.group()))
        for rule in rules:
            if not rule.triggers.isdisjoint(sentence_words):
                matches += [
                    RuleMatch(rule, found.start(), found.end())
                    for found in rule.pattern.finditer(text, sentence.start(), sentence.end())
                ]
    return matches


_QUOTED = _RULE_SET.quoted
_QUOTE_OPENERS = _RULE_SET.quote_openers
_REPORTING = _RULE_SET.reporting_words


def _outside_reported_quotes(text: str, matches: list[RuleMatch]) -> list[RuleMatch]:
    """Drop matches that lie inside quotation marks when the words around the quotes report speech.

    `He said "I'll kill you" to the officer` and `the crowd chanted "death to ..."` report what
    someone else said, which readers of a political site quote to argue about it; a bare
    `"I'll kill you"` has no such frame and still holds. The marks and the reporting words are
    in the rule file, `exceptions.reported_quotes`.
    """
    if not matches or not any(mark in text for mark in _QUOTE_OPENERS):
        return matches
    quotes = [(found.start(), found.end()) for found in _QUOTED.finditer(text)]
    if not quotes:
        return matches
    outside = _QUOTED.sub(" ", text)
    if _REPORTING.isdisjoint(_WORD.findall(outside)):
        return matches
    return [match for match in matches if not any(start <= match.start and match.end <= end for start, end in quotes)]


# "He called the reporter an idiot", "my uncle calls every Democrat an idiot": name-calling reported,
# not done. "I call you an idiot" is done to the reader, and holds (`exceptions.reported_name_calling`).
_CALLS_SOMEONE = _RULE_SET.calls_someone
_NAME_CALLING_RULES = _RULE_SET.name_calling_rules
_LOOK_BACK = _RULE_SET.look_back


def _outside_reported_name_calling(text: str, matches: list[RuleMatch]) -> list[RuleMatch]:
    """Drop matches of the name-calling rules that a verb of calling reports (see `_CALLS_SOMEONE`)."""
    return [
        match
        for match in matches
        if match.rule.name not in _NAME_CALLING_RULES
        or _CALLS_SOMEONE.search(text, max(0, match.start - _LOOK_BACK), match.start) is None
    ]
