"""The learned attribute models: what they score, how thresholds become actions, and reproducible training."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.unit.filters.filter_support import decide, flagged_by
from workers.filters.model.scores import ATTRIBUTES, score_text


def test_every_comment_gets_all_eight_probabilities():
    decision = decide("Thanks for the article, I learned something.")
    assert set(decision.scores) == set(ATTRIBUTES)
    assert all(0.0 <= value <= 1.0 for value in decision.scores.values())


def test_an_insult_scores_higher_than_a_polite_remark_and_its_spans_point_at_the_words():
    body = "You are a pathetic moron."
    insult = score_text(body)["insult"]
    assert insult.probability > 0.85 > score_text("You are a careful reader.")["insult"].probability
    assert "moron" in [body[span.start : span.end].lower() for span in insult.spans]


def test_look_alike_letters_and_zero_width_marks_score_as_the_plain_word():
    plain = score_text("you are a pathetic moron")["insult"].probability
    disguised = score_text("you are a pathetic m\u200b\u043er\u043en")["insult"].probability  # Cyrillic o
    assert disguised == plain


def test_spam_scores_selling_and_not_discussion():
    assert score_text("Cheap viagra and cialis online, no prescription, buy now")["spam"].probability > 0.8
    assert score_text("The council should publish the budget before the vote.")["spam"].probability < 0.2


def test_a_threshold_reached_gives_its_action_and_the_highest_one_wins():
    body = "You are a pathetic moron."
    assert "model-insult" in flagged_by(decide(body))
    stricter = decide(body, {"filters": {"attributes": {"insult": {"hold": 0.5, "reject": 0.6}}}})
    insult = next(v for v in stricter.verdicts if v.filter_id == "model-insult")
    assert insult.action.value == "reject"
    assert stricter.action.value == "reject"
    never = decide(body, {"filters": {"attributes": {"insult": {"hold": None}}}})
    assert "model-insult" not in {v.filter_id for v in never.verdicts}


def test_thresholds_must_rise_from_censor_to_hold_to_reject():
    from config.filter_policy import ThresholdsPolicy

    with pytest.raises(ValueError, match="rise"):
        ThresholdsPolicy(hold=0.9, reject=0.5)


def test_swearing_for_emphasis_does_not_raise_toxicity_but_profanity():
    scores = score_text("that was fucking brilliant")
    assert scores["profanity"].probability > 0.8
    assert scores["toxicity"].probability < 0.5


def test_training_twice_writes_the_same_bytes(tmp_path: Path):
    from workers.filters.model.training import read_corpus, save, train

    rows = [("you are an idiot", "abusive"), ("what a lovely day", "clean")] * 20
    rows += [("buy cheap pills now http://pills.example", "spam"), ("see you at lunch", "ham")] * 20
    data = tmp_path / "small.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows((f"{text} {index}", label) for index, (text, label) in enumerate(rows))
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    save(train(read_corpus(data)), first)
    save(train(read_corpus(data)), second)
    assert first.read_bytes() == second.read_bytes()


def test_a_held_out_corpus_is_read_as_the_labels_it_states(tmp_path):
    from service.commands.model import corpus_rows

    abuse = tmp_path / "abuse.csv"
    abuse.write_text("text,toxicity,insult\nyou idiot,1,1\nnice point,0,\nrude-ish,0.4,0.6\nunrated,,\n")
    assert corpus_rows(abuse) == [("you idiot", "abusive"), ("nice point", "clean"), ("rude-ish", "abusive")]
    spam = tmp_path / "spam.csv"
    spam.write_text("text,spam\nbuy now,1\nhello,0\n")
    assert corpus_rows(spam) == [("buy now", "spam"), ("hello", "ham")]
