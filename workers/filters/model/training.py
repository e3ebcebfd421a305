"""Train the attribute models from labelled CSVs: `sift model train` and `sift model evaluate`.

A corpus is a UTF-8 CSV with a `text` column and either a `label` column (the shared
`text,label` files: abusive/clean become `toxicity`, spam/ham become `spam`) or one column per
attribute of `scores.ATTRIBUTES` holding a number in [0, 1] (a fraction of raters for Civil
Comments; 0/1 elsewhere) or nothing where the corpus does not say. Each attribute's model is
trained on the rows that label it. Real comments that a corpus labels only for abuse are
comments, not spam, so they teach the spam model what ham looks like.

Reproducible bit for bit: rows in file order, exact duplicates dropped by first occurrence,
liblinear with a fixed seed, and an archive written with fixed timestamps. scikit-learn is
needed here only (a development dependency); the workers read the arrays this writes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.filters.model.features import BUCKETS, features_of, words_of
from workers.filters.model.identities import FUNCTION_WORDS, IDENTITY_TERMS
from workers.filters.model.scores import ATTRIBUTES, AttributeModel

# The prepared corpora the shipped models learn from (docs/model-card.md says where each comes
# from). English only: the features are space-separated words, which Chinese and Korean do not
# have, and the sites Sift serves write English. `hatecheck` (templated functional tests) is
# kept out to serve as a held-out check, and corpora licensed for research only are left out.
TRAINING_CORPORA = (
    "jigsaw_toxic",
    "davidson",
    "ethos_binary",
    "stormfront",
    "wiki_identity_clean",
    "wiki_detox_identity",
    "wiki_talk_cat_large",
    "gab_hate_corpus",
    "civil_comments_toxic_spans",
    "hateval2019",
    "fox_news_comments",
    "enron_spam",
    "lingspam",
    "youtube_spam_eminem_shakira",
    "youtube_spam_2014",
    "datacamp_blog_comments",
    "janitr_x_scams",
)

SEED = 0
# Inverse regularisation strength of every attribute's logistic regression.
C = 4.0
# A label at or above this fraction of raters counts as positive (Civil Comments' convention).
POSITIVE_AT = 0.5
_LABELS = {"abusive": ("toxicity", 1.0), "clean": ("toxicity", 0.0), "spam": ("spam", 1.0), "ham": ("spam", 0.0)}


@dataclass
class Corpus:
    """Rows of labelled text with, per attribute, a label or None (unknown)."""

    texts: list[str] = field(default_factory=list)
    labels: dict[str, list[float | None]] = field(default_factory=lambda: {name: [] for name in ATTRIBUTES})
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str, labels: dict[str, float | None], source: str) -> None:
        self.texts.append(text)
        for name in ATTRIBUTES:
            self.labels[name].append(labels.get(name))
        self.sources.append(source)

    def subset(self, keep: Iterable[int]) -> Corpus:
        chosen = Corpus()
        for index in keep:
            chosen.add(self.texts[index], {name: self.labels[name][index] for name in ATTRIBUTES}, self.sources[index])
        return chosen


def read_corpus(path: Path, source: str | None = None) -> Corpus:
    """Read one labelled CSV (either layout) into a corpus."""
    csv.field_size_limit(sys.maxsize)
    corpus = Corpus()
    name = source or path.stem
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        if "text" not in columns:
            raise ValueError(f"{path}: no text column")
        attribute_columns = [column for column in ATTRIBUTES if column in columns]
        for row in reader:
            text = row["text"] or ""
            labels: dict[str, float | None] = {}
            if "label" in columns:
                attribute, value = _LABELS[(row["label"] or "").strip().lower()]
                labels[attribute] = value
            for column in attribute_columns:
                cell = (row[column] or "").strip()
                labels[column] = float(cell) if cell else None
            _complete(labels)
            corpus.add(text, labels, name)
    return corpus


def _complete(labels: dict[str, float | None]) -> None:
    """Fill in what a corpus implies but does not state."""
    abuse_known = any(labels.get(name) is not None for name in ATTRIBUTES if name != "spam")
    if abuse_known and labels.get("spam") is None:
        labels["spam"] = 0.0  # a comment rated for abuse was written by a person, not a spammer
    if labels.get("spam") == 0.0 and labels.get("toxicity") is None and not abuse_known:
        labels["toxicity"] = 0.0  # ham of a spam corpus: casual text, rarely abusive
    if labels.get("spam") == 1.0 and labels.get("toxicity") is None:
        labels["toxicity"] = 0.0  # selling is not abuse


def combine(corpora: Sequence[Corpus], exclude: Iterable[str] = ()) -> Corpus:
    """Join corpora, dropping exact duplicate texts and any text in `exclude` (held-out rows)."""
    seen = set(exclude)
    joined = Corpus()
    for corpus in corpora:
        for index, text in enumerate(corpus.texts):
            key = text.strip()
            if not key or key in seen:
                continue
            seen.add(key)
            joined.add(text, {name: corpus.labels[name][index] for name in ATTRIBUTES}, corpus.sources[index])
    return joined


def featurize(texts: Sequence[str]) -> Any:
    """Return the CSR matrix of the runtime's features (binary, scaled to unit length)."""
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for text in texts:
        features = features_of(words_of(text).words).every.tolist()
        indices.extend(features)
        data.extend([1.0 / math.sqrt(len(features))] * len(features) if features else [])
        indptr.append(len(indices))
    return csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=(len(texts), BUCKETS))


def train(corpus: Corpus, matrix: Any | None = None, log: Any = None) -> AttributeModel:
    """Fit one logistic regression per attribute on the rows that label it."""
    from sklearn.linear_model import LogisticRegression

    matrix = featurize(corpus.texts) if matrix is None else matrix
    weights = np.zeros((BUCKETS, len(ATTRIBUTES)), dtype=np.float32)
    intercepts = np.zeros(len(ATTRIBUTES), dtype=np.float64)
    for column, name in enumerate(ATTRIBUTES):
        known = [index for index, value in enumerate(corpus.labels[name]) if value is not None]
        values = np.array([corpus.labels[name][index] for index in known], dtype=np.float64)
        targets = (values >= POSITIVE_AT).astype(np.int64)
        if len(known) == 0 or targets.min() == targets.max():
            intercepts[column] = -10.0  # nothing to learn from: never fires
            continue
        model = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=SEED)
        model.fit(matrix[known], targets)
        weights[:, column] = model.coef_[0].astype(np.float32)
        intercepts[column] = float(model.intercept_[0])
        if log is not None:
            log(f"  {name}: {len(known):,} rows, {int(targets.sum()):,} positive")
    _clip_identities(weights)
    # Stored as float16 (half the size, ample precision for weights); scoring sees the same values.
    weights = weights.astype(np.float16).astype(np.float32)
    return AttributeModel(weights, intercepts, ATTRIBUTES, _version(weights, intercepts))


def identity_buckets() -> list[int]:
    """Return the buckets of identity words alone and paired with each other or a function word."""
    found: set[int] = set()
    for term in sorted(IDENTITY_TERMS):
        found.update(features_of([term]).every.tolist())
        for other in sorted(IDENTITY_TERMS | FUNCTION_WORDS):
            found.update(features_of([term, other]).every.tolist())
            found.update(features_of([other, term]).every.tolist())
    # A lone function word is not an identity; only the pairs and the terms themselves are clipped.
    found.difference_update(bucket for word in FUNCTION_WORDS for bucket in features_of([word]).every.tolist())
    return sorted(found)


def _clip_identities(weights: npt.NDArray[np.float32]) -> None:
    """Let no identity word, nor a pair of them, raise any attribute (see `identities.py`)."""
    rows = identity_buckets()
    weights[rows] = np.minimum(weights[rows], 0.0)


def _version(weights: npt.NDArray[np.float32], intercepts: npt.NDArray[np.float64]) -> str:
    digest = hashlib.sha256(weights.tobytes() + intercepts.tobytes()).hexdigest()[:12]
    return f"attributes-lr-{digest}"


def save(model: AttributeModel, path: Path) -> None:
    """Write the model as an .npz archive with fixed timestamps (`np.savez` stamps the time)."""
    arrays = {
        "weights": model.weights.astype(np.float16),
        "intercepts": model.intercepts,
        "attributes": np.array(model.attributes),
        "version": np.array(model.version),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
