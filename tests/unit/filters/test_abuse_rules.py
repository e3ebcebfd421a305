# ruff: noqa: RUF001  (look-alike characters are what this file is about)
import pytest

from tests.unit.filters.filter_support import decide, flagged_by


@pytest.mark.parametrize(
    "comment, filter_id",
    [
        ("kill yourself", "harassment"),
        ("kys loser", "harassment"),
        ("just go die already", "harassment"),
        ("nobody would miss you", "harassment"),
        ("I know where you live", "threats"),
        ("someone should shoot the author", "threats"),
        ("I will find you and hurt you", "threats"),
        ("i'm going to kill you", "threats"),
        ("I hope you die in a fire", "threats"),
        ("you deserve to be shot", "threats"),
        ("watch your back", "threats"),
        ("you are a pathetic idiot", "insults"),
        ("you moron", "insults"),
        ("ur so dumb", "insults"),
        ("what an idiot", "insults"),
        ("Y0U ARE ＰＡＴＨＥＴＩＣ", "insults"),
        ("shut up", "harassment"),
        ("people like you should be shot", "threats"),
        ("the journalist should be hanged", "threats"),
        ("go back to your country", "harassment"),
        ("Shut your mouth, nobody asked you.", "harassment"),
        ("Get cancer and die", "harassment"),
        ("I swear if I see you at the rally you're dead.", "threats"),
        ("He deserves a bullet.", "threats"),
        ("Someone needs to put a bullet in that judge.", "threats"),
        ("Anyone who votes for her is a brain-dead moron.", "insults"),
        ("Muslims are animals and should be deported.", "insults"),
        ("immigrants are vermin", "insults"),
        ("I hope someone shoots you", "threats"),
        ("die in a fire", "harassment"),
        ("I'm going to bomb the school tomorrow", "threats"),
        ("we are gonna shoot up the rally", "threats"),
        ("I'll kill you", "threats"),
        ("i'ma kill you", "threats"),
        ("I'll slit your throat", "threats"),
        ("I will break your legs", "threats"),
        ("someone should beat him up", "threats"),
        ("Someone should assassinate the president", "threats"),
        ("Kill all the Jews", "threats"),
        ("Muslims should be wiped out", "threats"),
        ('"I will kill you"', "threats"),
        ("Hang the traitors!", "threats"),
        ("Death to the author", "threats"),
        ("Death to the president", "threats"),
        ("i hope ur whole family dies", "threats"),
        ("get raped", "harassment"),
        ("You deserve everything coming to you, scumbag.", "insults"),
        ("Idiot, the numbers are wrong.", "insults"),
        ("you ugly fat pig", "insults"),
        ("Hitler was right", "insults"),
        ("The Holocaust never happened", "insults"),
        ("Guess what? Loser!", "insults"),
        ("WTF is the matter with you?!", "harassment"),
        ("I will be there only to piss on your grave.", "harassment"),
        ("Always good to have the ignorant getting together. Die soon", "harassment"),
        ("you're a braindead moron", "insults"),
        ("You are a spineless coward.", "insults"),
        ("your mother should have aborted you", "harassment"),
        ("I'm going to find you and beat the living hell out of you", "threats"),
        ("we will beat the shit out of him", "threats"),
        ("Someone should burn down your house with you in it.", "threats"),
        ("You people are animals and should be exterminated.", "threats"),
        ("The author is a pedophile and should be castrated.", "threats"),
        ("you should be tortured", "threats"),
        ("I call you an idiot because you are one.", "insults"),
        ("I'd call that an idiot move by an idiot.", "insults"),
        ("go k!ll yourself", "harassment"),
        ("k y s", "harassment"),
        ("I'll m u r d e r you", "threats"),
        ("I hope u d!e", "threats"),
    ],
)
def test_threats_harassment_and_insults_without_swear_words_are_held(comment, filter_id):
    decision = decide(comment)
    assert decision.action.value == "hold"
    assert filter_id in flagged_by(decision)


@pytest.mark.parametrize(
    "comment",
    [
        "protesters were shot",
        "The terrorists should be executed, says the minister.",
        "Should the author be fired? I think so.",
        "I went back to my country after the war",
        "You're dead wrong about the budget.",
        "The gunman put a bullet in his own head, police said.",
        "Immigrants are workers who pay taxes.",
        "Rats are vermin, the council says.",
        "Women are not a monolith.",
        "There is a lot of idiotic spending in this budget.",
        "the general was assassinated",
        "the police killed him, the inquest found",
        "This is a stupid policy and the council should drop it.",
        "I hope you enjoy the concert",
        "I will kill this bug in the next release.",
        "The bomb threat at the school was reported by the paper yesterday.",
        "They said he was going to bomb the embassy, which the court found false.",
        "We are going to attack the problem from both sides.",
        "I hope somebody finally arrests him.",
        "I will destroy your argument with facts.",
        "We have to beat him in November.",
        "We must end his career at the ballot box.",
        "We need to destroy the governor's plan.",
        "I will destroy you in the debate, senator.",
        "Democrats need to be wiped out in the midterms.",
        'He said "I\'ll kill you" to the officer, according to the indictment.',
        "The crowd chanted \u201ckill all the Jews\u201d and the police did nothing.",
        '"Death to America" is what the crowd chanted.',
        "He deserves to lose, the coward.",
        "The council members are liars, clowns, and cowards.",
        "The Holocaust was a tragedy.",
        "Don't get shot out there.",
        "Lock her up!",
        "He lied about the budget. Liar.",
        "The senators fled the vote. Cowards.",
        "I'm a loser at chess, honestly.",
        "Farmers raise cows, pigs.",
        "Protesters chanted death to the president outside the palace.",
        "The senator is a smug career politician.",
        "The shooter is a monster and should be executed, the victims' families said.",
        "Someone should burn down the old rules and start again.",
        "The team will beat the hell out of last season's record.",
        "Were you born before the internet? Your parents should have told you about dial-up.",
        "My uncle calls every Democrat an idiot at Thanksgiving. It's exhausting.",
        "He called the reporter an idiot on live TV, which was unprofessional.",
        "The U.S. and the U.K. signed it; the E.U. did not.",
        "Plan A B C failed, so they tried plan D. Wow!Great work.",
    ],
)
def test_reporting_and_ordinary_speech_publish(comment):
    decision = decide(comment)
    assert decision.action.value == "publish", [(v.filter_id, v.reason) for v in decision.verdicts]


def test_rule_reason_quotes_the_original_words():
    body = "Honestly, I know where you live."
    verdict = next(v for v in decide(body).verdicts if v.filter_id == "threats")
    assert "I know where you live" in verdict.reason
    assert [body[s.start : s.end] for s in verdict.spans] == ["I know where you live"]


def test_personal_data_is_held():
    decision = decide("Her number is +44 7911 123456 and email jane.doe@example.com, go visit")
    assert "personal-data" in flagged_by(decision)
    assert decide("The meeting is at 10:30 on 2024-05-01, see RFC 7231.").action.value == "publish"


def test_shouting_is_recorded_but_published_by_default():
    decision = decide("I REALLY THINK THE COUNCIL HAS GOT THIS COMPLETELY WRONG TODAY")
    assert decision.action.value == "publish"
    assert any(v.filter_id == "shouting" for v in decision.verdicts)
