"""Train the offensive-language model the workers ship, from the labeled data beside the repo.

    .venv/bin/python scripts/train_abuse_model.py [--data ../shared/data] [--out workers/filters/models/abuse.json]

Reproducible: fixed seeds, a deterministic solver, sorted output. Prints 5-fold
cross-validated figures (each fold trained on the other folds of *both* files) and
cross-file figures (trained on one file only, scored on the other), so the numbers
reported for the shipped model are not only in-sample. scikit-learn is needed here only;
the workers read the JSON it writes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.filters.abuse_model import features
from workers.filters.analysis import words_of
from workers.filters.normalize import normalize

SEED = 0
C = float(os.environ.get("SIFT_TRAIN_C", "0.2"))
# Davidson has eight times the rows of the Jigsaw sample and is mostly abusive tweets; each
# Jigsaw row counts this many times so that talk-page comments shape the model as much.
JIGSAW_WEIGHT = 4.0
THRESHOLD = float(os.environ.get("SIFT_TRAIN_THRESHOLD", "0.6"))
PRUNE_BELOW = 0.02
FILES = ("abuse/davidson.csv", "abuse/jigsaw-3000.csv")
# Casual text that is not abusive: the ham of the SMS collection teaches the model that
# "lol", "u" and "gonna" are not Twitter abuse. Its spam rows are not used.
CLEAN_ONLY = ("spam/sms.csv",)


def analyzer(text: str) -> list[str]:
    """Return the features the runtime computes for this text (one code path for both)."""
    return sorted(features(words_of(normalize(text).text)))


def load(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], np.array([row["label"] == "abusive" for row in rows], dtype=int)


def fit(texts: list[str], labels: np.ndarray, weights: np.ndarray) -> tuple[CountVectorizer, LogisticRegression]:
    vectorizer = CountVectorizer(analyzer=analyzer, binary=True, min_df=3)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=C, max_iter=5000, solver="liblinear", random_state=SEED)
    model.fit(matrix, labels, sample_weight=weights)
    return vectorizer, model


def figures(labels: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    flagged = scores >= threshold
    tp = int((flagged & (labels == 1)).sum())
    fp = int((flagged & (labels == 0)).sum())
    fn = int((~flagged & (labels == 1)).sum())
    tn = int((~flagged & (labels == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "false_positive_rate": round(fp / (fp + tn), 3) if fp + tn else 0.0,
    }


def cross_validate(data: dict[str, tuple[list[str], np.ndarray]]) -> dict[str, dict[str, float]]:
    """Score every row with a model that never saw it; each fold trains on both files' other folds."""
    folds = {
        name: list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(texts, labels))
        for name, (texts, labels) in data.items()
    }
    scores = {name: np.zeros(len(labels)) for name, (_, labels) in data.items()}
    for k in range(5):
        texts: list[str] = []
        labels: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for name, (all_texts, all_labels) in data.items():
            train = folds[name][k][0]
            texts += [all_texts[i] for i in train]
            labels.append(all_labels[train])
            weights.append(np.full(len(train), JIGSAW_WEIGHT if "jigsaw" in name else 1.0))
        vectorizer, model = fit(texts, np.concatenate(labels), np.concatenate(weights))
        for name, (all_texts, _) in data.items():
            test = folds[name][k][1]
            scores[name][test] = model.predict_proba(vectorizer.transform([all_texts[i] for i in test]))[:, 1]
    return {name: figures(data[name][1], scores[name], THRESHOLD) for name in data}


def cross_file(data: dict[str, tuple[list[str], np.ndarray]]) -> dict[str, dict[str, float]]:
    """Train on one file alone and score the other: the closest thing here to unseen data."""
    results = {}
    for train_name in FILES:
        texts, labels = data[train_name]
        vectorizer, model = fit(texts, labels, np.ones(len(labels)))
        for test_name, (test_texts, test_labels) in data.items():
            if test_name != train_name:
                scores = model.predict_proba(vectorizer.transform(test_texts))[:, 1]
                results[f"{train_name} -> {test_name}"] = figures(test_labels, scores, THRESHOLD)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--data", type=Path, default=root.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=root / "workers" / "filters" / "models" / "abuse.json")
    parser.add_argument("--skip-validation", action="store_true", help="Only fit and write the model.")
    args = parser.parse_args()

    data = {name: load(args.data / name) for name in FILES}
    for name in CLEAN_ONLY:
        texts, labels = load(args.data / name)
        data[name] = (
            [text for text, label in zip(texts, labels, strict=True) if not label],
            np.zeros(int((labels == 0).sum()), dtype=int),
        )
    digest = hashlib.sha256()
    for name in (*FILES, *CLEAN_ONLY):
        digest.update((args.data / name).read_bytes())
    report: dict[str, object] = {}
    if not args.skip_validation:
        report["cross_validated_5_fold"] = cross_validate(data)
        report["cross_file"] = cross_file(data)
        print(json.dumps(report, indent=2))

    texts = [text for name in data for text in data[name][0]]
    labels = np.concatenate([data[name][1] for name in data])
    weights = np.concatenate([np.full(len(data[name][1]), JIGSAW_WEIGHT if "jigsaw" in name else 1.0) for name in data])
    vectorizer, model = fit(texts, labels, weights)
    coefficients = model.coef_[0]
    vocabulary = vectorizer.get_feature_names_out()
    kept = {
        str(feature): round(float(weight), 4)
        for feature, weight in zip(vocabulary, coefficients, strict=True)
        if abs(weight) >= PRUNE_BELOW
    }
    output = {
        "version": f"abuse-lr-{digest.hexdigest()[:8]}-c{C}-w{JIGSAW_WEIGHT}",
        "trained_on": [*FILES, *(f"{name} (ham rows only)" for name in CLEAN_ONLY)],
        "data_sha256": digest.hexdigest(),
        "threshold": THRESHOLD,
        "intercept": round(float(model.intercept_[0]), 4),
        "validation": report,
        "weights": dict(sorted(kept.items())),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(kept)} weights of {len(vocabulary)} features")


if __name__ == "__main__":
    main()
