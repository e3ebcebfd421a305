# ruff: noqa: RUF001  (look-alike characters are what this file is about)
import pytest
from better_profanity import Profanity

from config.filter_policy import ProfanityPolicy
from tests.unit.filters.filter_support import decide, flagged_by
from workers.filters.lexicon import BETTER_PROFANITY_CHARS
from workers.filters.normalize import normalize
from workers.filters.profanity import ProfanityFilter, matcher_for


def words(text: str, **policy: object) -> list[str]:
    return [match.stem for match in ProfanityFilter(ProfanityPolicy(**policy)).find(text)]


def test_character_map_is_better_profanitys():
    assert BETTER_PROFANITY_CHARS == Profanity().CHARS_MAPPING


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won at home",
        "Penistone and Cockburnspath are real places",
        "I live in Essex, near Sussex and Middlesex",
        "a classic assessment of the class",
        "Flight 455 leaves at 4:55",
        "the pen is mightier than the sword",
        "Dick Cheney and Moby Dick",
        "Homo sapiens evolved in Africa",
        "the soldiers killed in the war",
        "she began to sob",
        "thankyou for the menu, and the haiku",
        "a n a l y s i s of the vote, a s s e s s e d",
    ],
)
def test_innocent_text_has_no_profanity(text):
    assert words(text) == []


@pytest.mark.parametrize(
    "family, disguised",
    [
        ("plain", "fuck"),
        ("separators (dots)", "f.u.c.k"),
        ("separators (spaces)", "f u c k"),
        ("separators (dashes)", "f-u-c-k"),
        ("separator inside", "fu.ck"),
        ("stretched letters", "fuuuuuck"),
        ("leetspeak", "sh1t"),
        ("leetspeak symbols", "$h!t"),
        ("wildcard", "f*ck"),
        ("full-width", "ｆｕｃｋ"),
        ("cyrillic look-alikes", "fսсk"),
        ("greek look-alikes", "ƒυck"),
        ("zero-width", "f\u200bu\u200cck"),
        ("combining marks", "fu\u0308c\u0301k"),
        ("upper case", "FUCK"),
    ],
)
def test_every_obfuscation_family_is_caught_in_a_sentence_and_alone(family, disguised):
    assert words(f"well {disguised} you all, said he") != [], family
    assert words(disguised) != [], family


def test_inflections_of_strong_words_count_but_ordinary_verbs_do_not():
    assert words("fucking hell") == ["fuck"] or words("fucking hell") == ["fucking"]
    assert words("they were killed and killing") == []


def test_the_reason_names_the_masked_word_and_how_it_was_disguised():
    decision = decide("well f.u.c.k that")
    profanity = next(v for v in decision.verdicts if v.filter_id == "profanity")
    assert profanity.reason == "profanity: f*** (obfuscated as f.u.c.k)"
    assert [("well f.u.c.k that"[s.start : s.end]) for s in profanity.spans] == ["f.u.c.k"]


def test_spans_point_into_the_original_text():
    body = "ｙｏｕ ｆｕｃｋ"
    verdict = next(v for v in decide(body).verdicts if v.filter_id == "profanity")
    assert [body[s.start : s.end] for s in verdict.spans] == ["ｆｕｃｋ"]


def test_site_extra_words_and_allowed_words():
    assert words("what a plonker", extra_words=("plonker",)) == ["plonker"]
    assert words("oh shit, shitty day", allowed_words=("shit",)) == []


def test_mild_words_publish_by_default_with_a_verdict():
    decision = decide("damn, that was crap weather")
    assert decision.action.value == "publish"
    assert [v.reason for v in decision.verdicts if v.filter_id == "profanity"] == ["mild profanity: d***, c***"]


def test_censor_action_masks_words_as_better_profanity_does():
    decision = decide("You are a fucking legend, shit yes", {"filters": {"profanity": {"action": "censor"}}})
    assert decision.action.value == "censor"
    assert decision.censored_body == Profanity().censor("You are a fucking legend, shit yes")
    assert decision.censored_body == "You are a **** legend, **** yes"


@pytest.mark.parametrize(
    "text",
    ["what a cunt", "shut up, bitch", "this is fucking bullshit, you retard", "that whore again"],
)
def test_profane_comment_is_held_by_default(text):
    decision = decide(text)
    assert decision.action.value == "hold"
    assert "profanity" in flagged_by(decision)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Holy shit, 2 billion views.", "Holy ****, 2 billion views."),
        ("this is fucking brilliant reporting", "this is **** brilliant reporting"),
        ("What the fuck happened to the budget?", "What the **** happened to the budget?"),
        ("Laughing my fucking ass off", "Laughing my **** **** off"),
        ("the council's plan is bullshit and everyone knows it", "the council's plan is **** and everyone knows it"),
    ],
)
def test_swearing_for_emphasis_publishes_masked(text, published):
    decision = decide(text)
    assert decision.action.value == "censor", [(v.filter_id, v.reason) for v in decision.verdicts]
    assert decision.censored_body == published
    assert [v.reason.split(":")[0] for v in decision.verdicts if v.filter_id == "profanity"] == ["mild profanity"]


def test_a_site_can_publish_emphatic_swearing_unmasked():
    overrides = {"filters": {"profanity": {"expletive_action": "publish"}}}
    decision = decide("this is fucking brilliant reporting", overrides)
    assert decision.action.value == "publish"
    assert decision.censored_body is None


@pytest.mark.parametrize("text", ["put pictures of your ass on facebook, why would anyone", "nice tits", "damn it"])
def test_mild_words_publish_unmasked_with_a_verdict(text):
    decision = decide(text)
    assert decision.action.value == "publish", [(v.filter_id, v.reason) for v in decision.verdicts]
    assert [v.reason.split(":")[0] for v in decision.verdicts if v.filter_id == "profanity"] == ["mild profanity"]


@pytest.mark.parametrize(
    "text",
    [
        "fuck you",
        "oh fuck off already",
        "you shit",
        "Fuck wikipedia and its admins",
        "go eat shit",
        "what a shit head",
        "your article is bullshit",
        "you bastard",
        "damn you",
        "FUCK!!!",
        "shit",
    ],
)
def test_swearing_aimed_at_someone_or_alone_is_held(text):
    decision = decide(text)
    assert decision.action.value == "hold", text
    assert "profanity" in flagged_by(decision)


@pytest.mark.parametrize(
    "family, disguised",
    [
        ("separators", "f.u.c.k"),
        ("spaces", "f u c k"),
        ("stretched letters", "fuuuuuck"),
        ("leetspeak", "sh1t"),
        ("full-width", "ｆｕｃｋ"),
        ("cyrillic look-alikes", "fսсk"),
        ("zero-width", "f\u200bu\u200cck"),
        ("combining marks", "fu\u0308c\u0301k"),
    ],
)
def test_disguised_swearing_is_held_even_as_emphasis(family, disguised):
    assert decide(f"well {disguised}, that was a great game").action.value == "hold", family
    assert decide(disguised).action.value == "hold", family


def test_spaced_letters_with_wider_gaps_between_words_are_read_word_by_word():
    assert words("f u c k   y o u   a s s h o l e") == ["fuck", "asshole"]
    # Evenly spaced letters are read as one word only: this stays unread, rather than guessed at.
    assert words("f u c k y o u a s s h o l e") == []
    assert words("c l a s s   a c t") == []


@pytest.mark.parametrize("text", ["fuckyou", "FUCKYOU!!", "f u c k y o u", "f.u.c.k.y.o.u", "well fuckyourself then"])
def test_a_word_run_together_with_whom_it_is_aimed_at_is_found_and_held(text):
    assert words(text) == ["fuck"]
    assert decide(text).action.value == "hold"


def test_a_spaced_out_word_after_an_article_spaced_the_same_way_is_found():
    assert words("you are such a r e t a r d") == ["retard"]
    assert words("what a s h i t show") == ["shit"]


@pytest.mark.parametrize(
    "text",
    [
        "The word 'retard' should never be used to describe people with disabilities.",
        'The term "bitch" is sexist, and the senator knew it.',
        "I'm trying to take the word bitch out of my vocabulary.",
    ],
)
def test_a_word_named_to_talk_about_it_publishes(text):
    assert decide(text).action.value == "publish"


@pytest.mark.parametrize(
    "text",
    [
        "the word retard describes you perfectly",
        "you are the word retard",
        "The word r3tard is what they are",  # disguised: not a mention
        'The term "faggot" is a slur and the coach should be fired for using it.',  # slurs hold however framed
        "retard",
    ],
)
def test_a_word_named_but_aimed_disguised_or_a_slur_still_holds(text):
    assert decide(text).action.value == "hold"


def test_a_site_can_treat_expletives_as_strong_words():
    assert decide("Holy shit, 2 billion views.", {"filters": {"profanity": {"expletives": []}}}).action.value == "hold"


def test_matcher_is_compiled_once_per_word_list():
    assert matcher_for((), ()) is matcher_for((), ())
    assert matcher_for(("x",), ()) is not matcher_for((), ())


def test_long_text_with_many_words_is_matched_fully():
    text = " ".join(["fine", "shit"] * 500)
    assert len(matcher_for((), ()).find(normalize(text))) == 500
