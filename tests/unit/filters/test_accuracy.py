"""Accuracy on the shared labeled data, measured only with models that never saw the rows they score."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from service.commands.filters import evaluate, evaluate_rows, read_labeled
from tests.unit.filters.filter_support import DATA

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="the shared data is not beside the repo"),
]


SHARED = ("abuse/davidson.csv", "abuse/jigsaw-3000.csv", "spam/sms.csv", "spam/youtube-dev.csv")
# better-profanity reads some 70 short comments a second (a dozen of Jigsaw's long ones): a sample
# of the larger files keeps this test to a minute or two.
SAMPLE_EVERY = {"abuse/davidson.csv": 10, "abuse/jigsaw-3000.csv": 5, "spam/sms.csv": 3}


@pytest.fixture(scope="module")
def shared_corpus():
    """The four shared files as one training corpus, with its features computed once."""
    from workers.filters.model.training import combine, featurize, read_corpus

    corpus = combine([read_corpus(DATA / name) for name in SHARED])
    return corpus, featurize(corpus.texts)


@pytest.mark.parametrize("name", SHARED)
def test_models_that_never_saw_a_file_beat_the_baselines_on_it(shared_corpus, name):
    """Trained on the other shared files only (never the file's rows), the whole pipeline beats better-profanity.

    alt-profanity-check was trained on Davidson and Jigsaw, so on those two files its figures are in-sample
    and it is compared on the spam files only; docs/model-card.md has the figures from the full corpora.
    """
    from workers.filters.model.training import train

    corpus, matrix = shared_corpus
    rows = list(read_labeled(DATA / name))[:: SAMPLE_EVERY.get(name, 1)]
    held_out = {text.strip() for text, _ in read_labeled(DATA / name)}
    keep = [index for index, text in enumerate(corpus.texts) if text.strip() not in held_out]
    model = train(corpus.subset(keep), matrix[keep])
    result = evaluate_rows(rows, "accuracy-test", model=model, baselines=True)
    print(name, json.dumps(result))
    baselines = result["baselines"]
    assert result["f1"] > baselines["better-profanity"]["f1"]
    if name.startswith("spam/"):
        assert result["f1"] > baselines["alt-profanity-check"]["f1"]


def test_youtube_spam_after_training_on_the_other_half(tmp_path: Path):
    with (DATA / "spam/youtube-dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    halves = {}
    for name, part in (("a", rows[0::2]), ("b", rows[1::2])):
        halves[name] = tmp_path / f"{name}.csv"
        with halves[name].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, ["text", "label"])
            writer.writeheader()
            writer.writerows(part)
    for train, test in (("a", "b"), ("b", "a")):
        for category in ("spam", None):
            result = evaluate(halves[test], "accuracy-test", (halves[train],), use_redis=False, category=category)
            print(train, "->", test, category, result)
            # Counting every filter, the ham rows that swear for emphasis are published masked
            # (censor), which the contract counts as flagged.
            assert result["f1"] >= (0.93 if category == "spam" else 0.90)
