"""`sift model train` and `sift model evaluate`: build the shipped attribute models and judge them honestly.

Training reads every CSV in the corpora folder (see docs/model-card.md for where each comes
from and `scripts/prepare_corpora.py` for how they are made) and the shared `text,label` files.
Evaluation never scores a row the model was trained on: for each labelled file it trains a
model without that file's rows (held out), or in k folds, and runs the site's whole pipeline
with it, beside better-profanity and alt-profanity-check on the same rows.
"""

from __future__ import annotations

import csv
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from service.commands.filters import baseline_figures, echo_figures, evaluate_rows, read_labeled

if TYPE_CHECKING:
    from workers.filters.model.training import Corpus

SHARED_FILES = ("abuse/davidson.csv", "abuse/jigsaw-3000.csv", "spam/sms.csv", "spam/youtube-dev.csv")


def _default_data() -> Path:
    from config.settings import REPO_ROOT

    return Path(os.environ.get("SIFT_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")


def _default_corpora() -> Path:
    return Path(os.environ.get("SIFT_CORPORA_DIR") or Path.cwd() / "var" / "corpora")


def _load(data: Path, corpora: Path, echo: bool = True) -> tuple[list[Corpus], list[Path]]:
    from workers.filters.model.training import TRAINING_CORPORA, read_corpus

    shared = [data / name for name in SHARED_FILES if (data / name).is_file()]
    external = [corpora / f"{name}.csv" for name in TRAINING_CORPORA if (corpora / f"{name}.csv").is_file()]
    loaded = []
    for path in external + shared:
        corpus = read_corpus(path)
        if echo:
            click.echo(f"  {path.name}: {len(corpus):,} rows")
        loaded.append(corpus)
    return loaded, shared


_data_option = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the shared text,label files (default: $SIFT_DATA_DIR).",
)
_corpora_option = click.option(
    "--corpora",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of prepared public corpora (default: $SIFT_CORPORA_DIR, else ./var/corpora).",
)


@click.group("model")
def model_group() -> None:
    """Train and evaluate the learned attribute models."""


@model_group.command("train")
@_data_option
@_corpora_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the shipped workers/filters/model/attributes.npz).",
)
def train_command(data: Path | None, corpora: Path | None, out: Path | None) -> None:
    """Rebuild the shipped models from the corpora, bit for bit (fixed seed, fixed archive stamps)."""
    from workers.filters.model.scores import MODEL_PATH
    from workers.filters.model.training import combine, save, train

    started = time.perf_counter()
    loaded, _ = _load(data or _default_data(), corpora or _default_corpora())
    if not loaded:
        raise click.ClickException("no corpora found: pass --data and --corpora (see docs/model-card.md)")
    corpus = combine(loaded)
    click.echo(f"training on {len(corpus):,} distinct rows")
    model = train(corpus, log=click.echo)
    target = out or MODEL_PATH
    save(model, target)
    size = target.stat().st_size / 1e6
    click.echo(f"wrote {target} ({size:.1f} MB, {model.version}) in {time.perf_counter() - started:.0f} s")


@model_group.command("evaluate")
@_data_option
@_corpora_option
@click.option("--folds", type=click.IntRange(0, 10), default=0, help="k-fold within each file (0: hold the file out).")
@click.option("--file", "only", multiple=True, help="Only these shared files (e.g. abuse/davidson.csv).")
@click.option(
    "--corpus",
    "held_corpora",
    multiple=True,
    help="Also hold out this whole training corpus (e.g. civil_comments_toxic_spans) and score its rows.",
)
@click.option("--site", default="default", show_default=True, help="Whose policy to run.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file.")
def evaluate_command(
    data: Path | None,
    corpora: Path | None,
    folds: int,
    only: tuple[str, ...],
    held_corpora: tuple[str, ...],
    site: str,
    as_json: bool,
) -> None:
    """Figures on every shared file from models that never saw its rows, beside the baselines.

    With --corpus, a whole public corpus is held out as well (held out by source: the model
    learns from every other corpus and scores that one's rows).
    """
    from workers.filters.model.training import combine, featurize, train

    data = data or _default_data()
    corpora = corpora or _default_corpora()
    loaded, shared = _load(data, corpora, echo=not as_json)
    named = [(str(path.relative_to(data)), path) for path in shared]
    targets = [(name, path) for name, path in named if not (only or held_corpora) or name in only]
    for name in held_corpora:
        path = corpora / f"{name}.csv"
        if not path.is_file():
            raise click.BadParameter(f"no corpus {path}", param_hint="--corpus")
        targets.append((name, path))
    everything = combine(loaded)
    matrix = featurize(everything.texts)
    row_of = {text.strip(): index for index, text in enumerate(everything.texts)}
    for name, path in targets:
        rows = list(read_labeled(path)) if name not in held_corpora else corpus_rows(path)
        parts = _folds(rows, folds)
        results = []
        for held_out in parts:
            excluded = {text.strip() for text, _ in held_out}
            keep = [index for text, index in row_of.items() if text not in excluded]
            keep.sort()
            model = train(everything.subset(keep), matrix[keep])
            results.append(evaluate_rows(held_out, site, model=model))
        figures = _pooled(results)
        figures["baselines"] = baseline_figures(rows)
        figures["method"] = f"{folds}-fold" if folds else "held out"
        if as_json:
            click.echo(json.dumps({"file": name, **figures}))
            continue
        click.echo(f"{name}: {figures['n']} rows, sift's models trained without the scored rows ({figures['method']})")
        echo_figures("sift", figures)
        for baseline, result in figures["baselines"].items():  # type: ignore[attr-defined]
            echo_figures(baseline, result)


def corpus_rows(path: Path) -> list[tuple[str, str]]:
    """A prepared corpus as `text,label` rows: spam or ham when it labels only spam, else abusive
    when any of its attributes is at 0.5 or more (rows it labels for nothing are left out)."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [column for column in reader.fieldnames or () if column != "text"]
        spam = columns == ["spam"]
        if not spam:
            columns = [column for column in columns if column != "spam"]
        rows = []
        for row in reader:
            values = [float(row[column]) for column in columns if (row[column] or "").strip()]
            if not values:
                continue
            positive = max(values) >= 0.5
            label = ("spam" if positive else "ham") if spam else ("abusive" if positive else "clean")
            rows.append((row["text"] or "", label))
    return rows


def _folds(rows: list[tuple[str, str]], folds: int) -> list[list[tuple[str, str]]]:
    """Split rows into k folds of a seeded shuffle, or one part: the whole file."""
    if folds < 2:
        return [rows]
    order = list(range(len(rows)))
    random.Random(0).shuffle(order)
    return [[rows[index] for index in order[fold::folds]] for fold in range(folds)]


def _pooled(results: list[dict[str, object]]) -> dict[str, object]:
    """Add the folds' confusions up into one set of figures."""
    from service.commands.filters import Confusion

    total = Confusion()
    seconds = 0.0
    for result in results:
        confusion = result["confusion"]
        assert isinstance(confusion, dict)
        total.tp += confusion["tp"]
        total.fp += confusion["fp"]
        total.fn += confusion["fn"]
        total.tn += confusion["tn"]
        rate = float(result["comments_per_second"])  # type: ignore[arg-type]
        seconds += int(result["n"]) / rate if rate else 0.0  # type: ignore[call-overload]
    return total.report(seconds)
