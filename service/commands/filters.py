"""`sift eval` and `sift train`: measure and teach the filter pipeline from the command line."""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from service.commands.settings import sites_dir

POSITIVE = frozenset({"spam", "abusive"})
NEGATIVE = frozenset({"ham", "clean"})


def read_labeled(path: Path) -> Iterator[tuple[str, str]]:
    """Yield (text, label) from a `text,label` CSV, failing with the line of a bad label."""
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
            raise click.ClickException(f"{path}: the header must be text,label")
        for row in reader:
            label = (row["label"] or "").strip().lower()
            if label not in POSITIVE | NEGATIVE:
                raise click.ClickException(f"{path}:{reader.line_num}: unknown label {row['label']!r}")
            yield row["text"] or "", label


@dataclass
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, positive: bool, flagged: bool) -> None:
        if positive:
            self.tp += flagged
            self.fn += not flagged
        else:
            self.fp += flagged
            self.tn += not flagged

    def report(self, seconds: float) -> dict[str, object]:
        n = self.tp + self.fp + self.fn + self.tn
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "n": n,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "false_positive_rate": round(self.fp / (self.fp + self.tn), 4) if self.fp + self.tn else 0.0,
            "confusion": {"tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn},
            "comments_per_second": round(n / seconds, 1) if seconds > 0 else 0.0,
        }


def _learned_from_redis(site: str) -> object | None:
    """Return a Redis client when REDIS_URL names a reachable server, else None (eval needs none)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return client


def evaluate(
    path: Path,
    site: str,
    train_files: tuple[Path, ...] = (),
    use_redis: bool = True,
    category: str | None = None,
    baselines: bool = False,
) -> dict[str, object]:
    """Run the site's real pipeline on every row of a labeled CSV and return the figures.

    With a category, a row counts as flagged only when a verdict of that category asks for more
    than publish: how the spam filters alone (or the abuse filters alone) do on the file. With
    baselines, the same figures for better-profanity and alt-profanity-check on the same rows.
    """
    rows = list(read_labeled(path))
    memory = None
    if train_files:
        from workers.filters.memory import MemoryCounts

        memory = MemoryCounts()
        for train_path in train_files:
            for text, label in read_labeled(train_path):
                memory.train(text, label)
    client = _learned_from_redis(site) if use_redis and not train_files else None
    return evaluate_rows(rows, site, category=category, baselines=baselines, memory=memory, client=client)


def evaluate_rows(
    rows: list[tuple[str, str]],
    site: str,
    *,
    category: str | None = None,
    baselines: bool = False,
    model: object | None = None,
    memory: object | None = None,
    client: object | None = None,
) -> dict[str, object]:
    """Figures of the site's pipeline (with `model` for the attribute filters, if given) on rows."""
    from config.sites import SitePolicies
    from workers.filters.base import CommentInput, Context
    from workers.filters.memory import MemoryCounts
    from workers.filters.model.scores import AttributeModel
    from workers.filters.pipeline import Pipeline, build_filters, pipeline_for

    policy = SitePolicies(sites_dir()).for_site(site)
    if isinstance(model, AttributeModel):
        pipeline = Pipeline(policy, build_filters(policy, model))
    else:
        pipeline = pipeline_for(site, policy)
    confusion = Confusion()
    started = time.perf_counter()
    for text, label in rows:
        comment = CommentInput(site=site, body=text)
        if client is not None:
            from workers import learning
            from workers.filters import bayes

            documents, counts = learning.read_counts(client, site, bayes.tokens(text))  # type: ignore[arg-type]
            context = Context(learned_documents=documents, learned_token_counts=counts)
        elif isinstance(memory, MemoryCounts) and memory.documents:
            context = memory.context_for(text)
        else:
            context = Context()
        decision = pipeline.run(comment, context)
        if category is None:
            flagged = decision.action.value != "publish"
        else:
            flagged = any(v.category.value == category and v.action.value != "publish" for v in decision.verdicts)
        confusion.add(label in POSITIVE, flagged)
    result = confusion.report(time.perf_counter() - started)
    if baselines:
        result["baselines"] = baseline_figures(rows)
    return result


def baseline_figures(rows: list[tuple[str, str]]) -> dict[str, object]:
    """Return better-profanity's and alt-profanity-check's figures on the same rows."""
    from service.commands.baselines import BASELINES, flags

    texts = [text for text, _ in rows]
    figures: dict[str, object] = {}
    for name in BASELINES:
        started = time.perf_counter()
        flagged = flags(name, texts)
        confusion = Confusion()
        for (_, label), hit in zip(rows, flagged, strict=True):
            confusion.add(label in POSITIVE, hit)
        figures[name] = confusion.report(time.perf_counter() - started)
    return figures


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", default="default", show_default=True, help="Whose policy (and learned counts) to use.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--train",
    "train_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Teach an in-memory learned filter from this labeled CSV first (repeatable); Redis is then not read.",
)
@click.option("--no-redis", is_flag=True, help="Ignore REDIS_URL: evaluate with an empty learned filter.")
@click.option(
    "--category",
    type=click.Choice(["spam", "abuse"]),
    help="Count only verdicts of this category (the spam files' ham rows contain swearing the abuse filters hold).",
)
@click.option("--baseline", is_flag=True, help="Also score better-profanity and alt-profanity-check on the same rows.")
def eval_command(
    file: Path,
    site: str,
    as_json: bool,
    train_files: tuple[Path, ...],
    no_redis: bool,
    category: str | None,
    baseline: bool,
) -> None:
    """Run the real pipeline on a labeled CSV (text,label) and print precision, recall and F1.

    Rows labeled spam or abusive count as caught when the decision is anything but publish;
    ham and clean rows count as false positives when it is anything but publish. The learned
    filter uses the site's counts from Redis when REDIS_URL is set and reachable (after
    `sift train`), or --train files, and is otherwise empty. No database is needed.
    """
    result = evaluate(file, site, train_files, use_redis=not no_redis, category=category, baselines=baseline)
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{file} on site {site!r}: {result['n']} comments")
    echo_figures("sift", result)
    baselines = result.get("baselines")
    if isinstance(baselines, dict):
        for name, figures in baselines.items():
            echo_figures(name, figures)


def echo_figures(name: str, result: dict[str, object]) -> None:
    """Print one line of figures, and the confusion, for one classifier."""
    confusion = result["confusion"]
    assert isinstance(confusion, dict)
    click.echo(
        f"{name:<20} precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"false-positive rate {result['false_positive_rate']:.3f}  "
        f"(tp {confusion['tp']} fp {confusion['fp']} fn {confusion['fn']} tn {confusion['tn']}; "
        f"{result['comments_per_second']} comments/s)"
    )


@click.command("train")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--site", default="default", show_default=True, help="Whose learned filter to teach.")
@click.option("--reset", is_flag=True, help="Forget what the site's learned filter knew first.")
def train_command(file: Path, site: str, reset: bool) -> None:
    """Seed a site's learned (Bayes) filter in Redis from a labeled CSV (text,label)."""
    import redis

    from service.commands.settings import load_settings
    from workers import learning

    settings = load_settings()
    client = redis.Redis.from_url(settings.redis_url)
    try:
        if reset:
            learning.reset(client, site)
        count = learning.train_many(client, site, read_labeled(file))
    except redis.RedisError as error:
        raise click.ClickException(f"Redis is unreachable: {error}") from None
    finally:
        client.close()
    click.echo(f"taught site {site!r} {count} comments from {file}")
