"""The abuse rule file: the shipped one validates, a broken one is refused with the rule named."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workers.filters.abuse_rules import RULE_FILE
from workers.filters.rule_file import RuleFileError, load_rule_file

EXCEPTIONS = """
exceptions:
  reported_quotes:
    quote_marks: ['""']
    longest_quote: 300
    reporting_words: said
  reported_name_calling:
    rules: [called-names]
    calling_verb: "call[s|ed|ing]"
    unless_called: [you]
    most_words_between: 3
    look_back_characters: 60
"""

LISTS = """
lists:
  you: [you, u]
  insult: ["idiot[s]", "piece[s] of (shit|trash)"]
  a:
    up_to: 2
    words: [a, total]
regex:
  end: '(?:[.!?]|$)'
"""


def rule_file(tmp_path: Path, rules: str, lists: str = LISTS) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(textwrap.dedent(lists) + "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  ") + EXCEPTIONS)
    return path


GOOD_RULE = """
- name: called-names
  filter: insults
  label: people called names
  score: 0.7
  match: "{you} {a}{insult}"
  triggers: idiot idiots piece pieces
"""


def test_the_shipped_rule_file_validates_and_names_every_rule_once() -> None:
    rule_set = load_rule_file(RULE_FILE)
    names = [rule.name for rule in rule_set.rules]
    assert len(names) == len(set(names)) > 10
    assert {rule.filter_id for rule in rule_set.rules} == {"threats", "harassment", "insults"}
    assert all(rule.triggers and 0 < rule.score <= 1 for rule in rule_set.rules)
    assert rule_set.name_calling_rules <= set(names)


def test_a_phrase_means_what_the_file_header_says(tmp_path: Path) -> None:
    rule = load_rule_file(rule_file(tmp_path, GOOD_RULE)).rules[0]
    for text in ["you idiot", "U  a total idiots", "you a piece of trash"]:
        assert rule.pattern.search(text), text
    for text in ["you idiotic", "your idiot", "you a total total total idiot", "you piece of work"]:
        assert rule.pattern.search(text) is None, text


def test_trigger_lists_give_their_first_words(tmp_path: Path) -> None:
    lists = LISTS.replace("  a:\n", "  group: [women, trans people]\n  a:\n")
    rules = GOOD_RULE.replace("triggers: idiot idiots piece pieces", 'triggers: "{group} idiot"')
    rule = load_rule_file(rule_file(tmp_path, rules, lists)).rules[0]
    assert rule.triggers == {"women", "trans", "idiot"}


def test_a_star_lets_a_match_end_beside_punctuation(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace('match: "{you} {a}{insult}"', 'match: "{you} {insult}[ ]{end}*"')
    rule = load_rule_file(rule_file(tmp_path, rules)).rules[0]
    assert rule.pattern.search("thanks, you idiot.")
    assert rule.pattern.search("you idiot and more") is None


@pytest.mark.parametrize(
    "broken, message",
    [
        ("score: 0.7", "score: 2.5"),
        ('match: "{you} {a}{insult}"', 'match: "{you} {a}{insullt}"'),
        ('match: "{you} {a}{insult}"', 'match: "{you} [{a}{insult}"'),
        ('match: "{you} {a}{insult}"', 'match: "{you} {a}({insult}]"'),
        ("filter: insults", "filter: rudeness"),
        ("triggers: idiot idiots piece pieces", 'triggers: "{nothing}"'),
        ("triggers: idiot idiots piece pieces", 'triggers: "{insult}"'),
        ("  label: people called names\n", ""),
    ],
    ids=[
        "score",
        "unknown-list",
        "unclosed-bracket",
        "mismatched-bracket",
        "filter",
        "trigger-list",
        "trigger-list-not-plain",
        "no-label",
    ],
)
def test_a_malformed_rule_is_refused_with_its_name(tmp_path: Path, broken: str, message: str) -> None:
    path = rule_file(tmp_path, GOOD_RULE.replace(broken, message))
    with pytest.raises(RuleFileError, match="rule 'called-names'") as error:
        load_rule_file(path)
    assert str(path) in str(error.value)


def test_the_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match=r"rule 'called-names'.*unknown list \{insullt\}"):
        load_rule_file(rule_file(tmp_path, GOOD_RULE.replace("{a}{insult}", "{a}{insullt}")))
    with pytest.raises(RuleFileError, match=r"rule 'called-names': score: Input should be less than or equal to 1"):
        load_rule_file(rule_file(tmp_path, GOOD_RULE.replace("score: 0.7", "score: 2.5")))


def test_a_repeated_rule_name_a_broken_regex_and_a_circle_of_lists_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="repeated: called-names"):
        load_rule_file(rule_file(tmp_path, GOOD_RULE + GOOD_RULE))
    with pytest.raises(RuleFileError, match="regex 'end'"):
        load_rule_file(rule_file(tmp_path, GOOD_RULE.replace('{insult}"', '{insult}{end}"'), LISTS.replace("$)", "$")))
    circle = LISTS.replace("you: [you, u]", 'you: [you, "{insult}"]').replace('"idiot[s]",', '"idiot[s]", "{you}",')
    with pytest.raises(RuleFileError, match="circle"):
        load_rule_file(rule_file(tmp_path, GOOD_RULE, circle))


def test_an_unreadable_or_incomplete_rule_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [unclosed\n")
    with pytest.raises(RuleFileError, match="cannot read the rule file"):
        load_rule_file(path)
    path.write_text(textwrap.dedent(LISTS) + "rules:\n" + textwrap.indent(textwrap.dedent(GOOD_RULE), "  "))
    with pytest.raises(RuleFileError, match="exceptions: Field required"):
        load_rule_file(path)


def test_a_bar_outside_brackets_still_matches_whole_words(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace('match: "{you} {a}{insult}"', 'match: "you idiot|you moron"')
    rule = load_rule_file(rule_file(tmp_path, rules)).rules[0]
    assert rule.pattern.search("you moron")
    assert rule.pattern.search("you idiotic") is None
    assert rule.pattern.search("ayou moron") is None
