"""Read a rule file (`abuse_rules.yaml`): validate it and compile its phrases into regular expressions.

The file is written for site operators, in phrases rather than regular expressions (its header and
docs/filters.md, "Rules as data", describe them). A small compiler of our own turns each phrase
into the pattern it stands for, once per process, so that matching costs exactly what hand-written
patterns cost; pydantic checks the file's shape and every error names the rule or list at fault.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class RuleFileError(ValueError):
    """A rule file that cannot be read, validated or compiled; the message names what is wrong."""


@dataclass(frozen=True)
class Rule:
    """One pattern with the filter it belongs to and the wording a moderator reads."""

    name: str
    filter_id: str
    label: str
    pattern: re.Pattern[str]
    score: float
    # The pattern runs only on comments containing one of these words: most comments contain
    # none, and a word-set test costs far less than a regex scan.
    triggers: frozenset[str]


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules and the data of their exceptions."""

    rules: tuple[Rule, ...]
    # Reported speech: quotations, the marks that open them, the words that report them.
    quoted: re.Pattern[str]
    quote_openers: tuple[str, ...]
    reporting_words: frozenset[str]
    # Reported name-calling: which rules it excuses, and the calling verb looked for before a match.
    name_calling_rules: frozenset[str]
    calls_someone: re.Pattern[str]
    look_back: int


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordList(_Strict):
    words: list[str] = Field(min_length=1)
    up_to: int | None = Field(default=None, ge=1)
    longest_first: bool = False


class RuleSpec(_Strict):
    name: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    filter: Literal["threats", "harassment", "insults"]
    label: str = Field(min_length=1)
    score: float = Field(ge=0.0, le=1.0)
    match: list[str] = Field(min_length=1)
    not_after: list[str] = []
    triggers: str = Field(min_length=1)

    @field_validator("match", mode="before")
    @classmethod
    def _one_phrase_or_several(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class ReportedQuotes(_Strict):
    quote_marks: list[str] = Field(min_length=1)
    longest_quote: int = Field(ge=1)
    reporting_words: str = Field(min_length=1)

    @field_validator("quote_marks")
    @classmethod
    def _pairs(cls, marks: list[str]) -> list[str]:
        for pair in marks:
            if len(pair) != 2:
                raise ValueError(f"{pair!r} must be two characters, the opening and the closing mark")
        return marks


class ReportedNameCalling(_Strict):
    rules: list[str] = Field(min_length=1)
    calling_verb: str = Field(min_length=1)
    unless_called: list[str] = Field(min_length=1)
    most_words_between: int = Field(ge=1)
    look_back_characters: int = Field(ge=1)


class Exceptions(_Strict):
    reported_quotes: ReportedQuotes
    reported_name_calling: ReportedNameCalling


class RuleFile(_Strict):
    lists: dict[str, WordList]
    regex: dict[str, str] = {}
    # Validated one by one (see `load_rule_file`) so that an error names the rule.
    rules: list[dict[str, Any]] = Field(min_length=1)
    exceptions: Exceptions

    @field_validator("lists", mode="before")
    @classmethod
    def _plain_lists(cls, lists: object) -> object:
        """A list written as a plain sequence is a list of words with no options."""
        if isinstance(lists, dict):
            return {name: {"words": value} if isinstance(value, list) else value for name, value in lists.items()}
        return lists

    @model_validator(mode="after")
    def _names_used_once(self) -> RuleFile:
        both = set(self.lists) & set(self.regex)
        if both:
            raise ValueError(f"named both in lists and in regex: {', '.join(sorted(both))}")
        return self


def load_rule_file(path: Path) -> RuleSet:
    """Read, validate and compile a rule file; raise `RuleFileError` naming the rule or list at fault."""
    try:
        text = path.read_text(encoding="utf-8")
        # libyaml's loader reads the file in 5 ms, the pure-Python one in some 45.
        raw = yaml.load(text, Loader=yaml.CSafeLoader) if yaml.__with_libyaml__ else yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as error:
        raise RuleFileError(f"{path}: cannot read the rule file: {error}") from error
    try:
        document = RuleFile.model_validate(raw)
    except ValidationError as error:
        raise RuleFileError(f"{path}: {_describe(error)}") from error
    specs: list[RuleSpec] = []
    for number, raw_rule in enumerate(document.rules, start=1):
        name = raw_rule.get("name", f"number {number}")
        try:
            specs.append(RuleSpec.model_validate(raw_rule))
        except ValidationError as error:
            raise RuleFileError(f"{path}: rule {name!r}: {_describe(error)}") from error
    return _Compiler(document, path).compile(specs)


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in detail['loc']) or 'file'}: {detail['msg']}" for detail in error.errors()
    )


# A phrase is read token by token: a list named in braces, optional spaces, or one character.
_PHRASE_TOKEN = re.compile(r"\{([a-z_][a-z0-9_]*)\}|\[ \]|.", re.DOTALL)
_NAME_IN_REGEX = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_PLAIN_PHRASE = re.compile(r"[\w'\u2019-]+(?: [\w'\u2019-]+)*")


class _Compiler:
    """Turn phrases into patterns, resolving the lists and regular expressions they name."""

    def __init__(self, document: RuleFile, path: Path) -> None:
        self.document = document
        self.path = path
        self.compiled: dict[str, str] = {}
        self.resolving: list[str] = []

    def fail(self, where: str, message: str) -> RuleFileError:
        return RuleFileError(f"{self.path}: {where}: {message}")

    def compile(self, specs: list[RuleSpec]) -> RuleSet:
        names = [spec.name for spec in specs]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise self.fail("rules", f"each rule needs its own name; repeated: {', '.join(repeated)}")
        rules = tuple(self.rule(spec) for spec in specs)
        exceptions = self.document.exceptions
        quotes = exceptions.reported_quotes
        name_calling = exceptions.reported_name_calling
        unknown = sorted(set(name_calling.rules) - set(names))
        if unknown:
            raise self.fail("exceptions.reported_name_calling.rules", f"no such rule: {', '.join(unknown)}")
        quoted = "|".join(
            f"{re.escape(pair[0])}[^{re.escape(pair[1])}\\n]{{1,{quotes.longest_quote}}}{re.escape(pair[1])}"
            for pair in quotes.quote_marks
        )
        verb = self.phrase(name_calling.calling_verb, "exceptions.reported_name_calling.calling_verb")
        unless = "|".join(self.phrase(word, "exceptions.reported_name_calling") for word in name_calling.unless_called)
        calls_someone = rf"\b{verb}\s+(?!(?:{unless})\b)(?:[\w'-]+\s+){{1,{name_calling.most_words_between}}}$"
        return RuleSet(
            rules=rules,
            quoted=re.compile(quoted),
            quote_openers=tuple(pair[0] for pair in quotes.quote_marks),
            reporting_words=frozenset(quotes.reporting_words.split()),
            name_calling_rules=frozenset(name_calling.rules),
            calls_someone=re.compile(calls_someone),
            look_back=name_calling.look_back_characters,
        )

    def rule(self, spec: RuleSpec) -> Rule:
        where = f"rule {spec.name!r}"
        alternatives = [self.alternative(phrase, where) for phrase in spec.match]
        if all(start and end for _, start, end in alternatives):
            body = "|".join(pattern for pattern, _, _ in alternatives)
            body = rf"\b{body}\b" if len(alternatives) == 1 else rf"\b(?:{body})\b"
        else:
            body = "|".join(
                (r"\b" if start else "") + pattern + (r"\b" if end else "") for pattern, start, end in alternatives
            )
        not_after = "".join(rf"(?<!{re.escape(word)}\s)" for word in spec.not_after)
        if not_after and len(alternatives) > 1:
            body = f"(?:{body})"
        try:
            pattern = re.compile(not_after + body, re.IGNORECASE)
        except re.error as error:
            raise self.fail(where, f"the match does not compile: {error}") from error
        # Interned like the string literals callers pass, so `rule.filter_id == filter_id` is an identity test.
        return Rule(
            sys.intern(spec.name),
            sys.intern(spec.filter),
            spec.label,
            pattern,
            spec.score,
            self.triggers(spec.triggers, where),
        )

    def alternative(self, phrase: str, where: str) -> tuple[str, bool, bool]:
        """One phrase of a rule's match, and whether it must begin and end at a word boundary."""
        start, end = not phrase.startswith("*"), not phrase.endswith("*")
        inner = phrase[0 if start else 1 : len(phrase) if end else -1]
        if not inner:
            raise self.fail(where, f"empty match phrase {phrase!r}")
        return self.phrase(inner, where), start, end

    def phrase(self, phrase: str, where: str, alternative: bool = False) -> str:
        """Compile one phrase: braces name lists, brackets are optional, a space is any spacing.

        `alternative`: the phrase is one alternative of an alternation (a list's entry), so a
        list that is the whole phrase may be spliced in rather than grouped, as a hand-written
        pattern would be; the same holds for a list that is a whole alternative within brackets.
        """
        out: list[str] = []
        open_brackets: list[str] = []
        tokens = list(_PHRASE_TOKEN.finditer(phrase))
        bar_outside_brackets = False
        for index, token in enumerate(tokens):
            text, name = token.group(), token.group(1)
            if name is not None:
                before = tokens[index - 1].group() if index else None
                after = tokens[index + 1].group() if index + 1 < len(tokens) else None
                whole = (before in ("(", "[", "|") or (before is None and alternative)) and (
                    after in (")", "]", "|") or (after is None and alternative)
                )
                named = self.named(name, where)
                out.append(named if whole else f"(?:{named})")
            elif text == "[ ]":
                out.append(r"\s*")
            elif text in "[(":
                open_brackets.append(text)
                out.append("(?:")
            elif text in "])":
                if not open_brackets or open_brackets.pop() != {"]": "[", ")": "("}[text]:
                    raise self.fail(where, f"unmatched {text!r} in {phrase!r}")
                out.append(")?" if text == "]" else ")")
            elif text == "|":
                bar_outside_brackets = bar_outside_brackets or not open_brackets
                out.append("|")
            elif text == " ":
                out.append(r"\s+")
            elif text in "{}*":
                raise self.fail(where, f"{text!r} out of place in {phrase!r} (a list is named like {{insult_noun}})")
            else:
                out.append(re.escape(text))
        if open_brackets:
            raise self.fail(where, f"unclosed {open_brackets[-1]!r} in {phrase!r}")
        # "a|b" alone is one of a or b, whatever is written around the phrase.
        return f"(?:{''.join(out)})" if bar_outside_brackets and not alternative else "".join(out)

    def named(self, name: str, where: str) -> str:
        """The pattern of a list or regular expression, compiled once."""
        if name in self.compiled:
            return self.compiled[name]
        if name in self.resolving:
            raise self.fail(where, f"lists name each other in a circle: {' -> '.join([*self.resolving, name])}")
        lists, regexes = self.document.lists, self.document.regex
        if name not in lists and name not in regexes:
            raise self.fail(where, f"unknown list {{{name}}}")
        self.resolving.append(name)
        if name in regexes:
            pattern = _NAME_IN_REGEX.sub(lambda found: f"(?:{self.named(found.group(1), where)})", regexes[name])
            try:
                re.compile(pattern)
            except re.error as error:
                raise self.fail(f"regex {name!r}", f"does not compile: {error}") from error
        else:
            word_list = lists[name]
            entries = word_list.words
            if word_list.longest_first:
                entries = sorted(entries, key=lambda entry: (-len(entry), entry))
            pattern = "|".join(self.phrase(entry, f"list {name!r}", alternative=True) for entry in entries)
            if word_list.up_to is not None:
                pattern = rf"(?:(?:{pattern})\s+){{0,{word_list.up_to}}}"
        self.resolving.pop()
        self.compiled[name] = pattern
        return pattern

    def triggers(self, triggers: str, where: str) -> frozenset[str]:
        """Trigger words; `{list}` stands for the first word of each of the list's entries."""
        # A list in the file's order, not a set: the frozenset is then laid out as one built by hand.
        words: list[str] = []
        for word in triggers.split():
            found = _NAME_IN_REGEX.fullmatch(word)
            if found is None:
                words.append(word)
                continue
            name = found.group(1)
            if name not in self.document.lists:
                raise self.fail(where, f"triggers: unknown list {{{name}}}")
            for entry in self.document.lists[name].words:
                if _PLAIN_PHRASE.fullmatch(entry) is None:
                    raise self.fail(where, f"triggers: list {name!r} has {entry!r}; trigger lists hold plain words")
                words.append(entry.split()[0])
        return frozenset(words)
