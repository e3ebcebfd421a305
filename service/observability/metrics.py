"""Prometheus metric objects shared by the web and worker processes (no Flask import here).

Multiprocess-safe: when PROMETHEUS_MULTIPROC_DIR is set before prometheus_client is first imported,
every process (gunicorn workers, Celery pool children) writes its samples to files there and `/metrics`
aggregates them. Without it each process counts for itself (fine for tests and single-process use).

Several hosts or containers may share the directory (docker-compose mounts one volume into every `api`
and `worker` container): each process's files are named after its host name and pid, so two
containers whose processes have the same pid never write the same file.

Call sites for other modules:
- `record_filter_seconds(filter_id, seconds)`: once per filter run, from the worker around each filter.
- `record_pipeline(verdicts, seconds)`: once per decided comment, from the moderation task: the
  verdicts by filter and action, their scores by filter, and the pipeline's time.
- `record_webhook_delivery(outcome, seconds)`: once per delivery attempt; outcome is one of
  WEBHOOK_OUTCOMES ("delivered", "failed", "rate_limited", "gone", "refused", "dead").
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from typing import Protocol

from prometheus_client import Counter, Histogram, values

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # prometheus_client names each process's files after its pid, which is unique on one host only;
    # MultiProcessValue takes the identifier to use instead. Set before any metric below exists.
    _HOST = socket.gethostname()
    values.ValueClass = values.MultiProcessValue(lambda: f"{_HOST}-{os.getpid()}")  # type: ignore[no-untyped-call]

# Latency buckets from sub-millisecond filters to multi-second webhook timeouts.
_SECONDS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

WEBHOOK_OUTCOMES = ("delivered", "failed", "rate_limited", "gone", "refused", "dead")

HTTP_REQUESTS = Counter(
    "sift_http_requests_total", "HTTP requests answered, by route and status.", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram("sift_http_request_seconds", "Time to answer an HTTP request.", ["route"], buckets=_SECONDS)
RATE_LIMITED = Counter("sift_rate_limited_total", "Requests refused with 429, by limit scope.", ["scope"])
DATABASE_UNAVAILABLE = Counter("sift_database_unavailable_total", "Requests answered 503 because a store was down.")

COMMENTS_RECEIVED = Counter("sift_comments_received_total", "Comments accepted at intake.", ["site"])
INTAKE_GROUP_SIZE = Histogram(
    "sift_intake_group_size",
    "Comments stored by one INSERT and queued by one LPUSH (group commit).",
    buckets=(1, 2, 4, 8, 16, 32),
)
COMMENTS_DECIDED = Counter(
    "sift_comments_decided_total", "Comments decided by the pipeline, by action.", ["site", "action"]
)
DECISION_SECONDS = Histogram("sift_decision_seconds", "Time from intake to the pipeline's decision.", buckets=_SECONDS)
FILTER_SECONDS = Histogram("sift_filter_seconds", "Time one filter took on one comment.", ["filter"], buckets=_SECONDS)
PIPELINE_SECONDS = Histogram(
    "sift_pipeline_seconds", "Time the whole filter pipeline took on one comment.", buckets=_SECONDS
)
FILTER_VERDICTS = Counter(
    "sift_filter_verdicts_total",
    "Verdicts of decided comments, by filter id and the action the verdict asked for.",
    ["filter", "action"],
)
# Scores are in [0, 1]; model filters (ids like `model-toxicity`) report probabilities here too.
FILTER_SCORES = Histogram(
    "sift_filter_score",
    "Scores in the verdicts of decided comments, by filter id.",
    ["filter"],
    buckets=(0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
)

ANALYSES = Counter(
    "sift_analyze_requests_total",
    "Perspective-compatible analyses answered, by site and outcome (ok, or the error's status).",
    ["site", "outcome"],
)
DRAFT_CHECKS = Counter(
    "sift_draft_checks_total",
    "Drafts checked before posting, by site and the action they would get.",
    ["site", "action"],
)

TASKS = Counter("sift_tasks_total", "Celery tasks finished, by outcome.", ["task", "outcome"])
TASK_RETRIES = Counter("sift_task_retries_total", "Celery task retries scheduled.", ["task"])
TASK_SECONDS = Histogram("sift_task_seconds", "Time a Celery task ran.", ["task"], buckets=_SECONDS)
SWEEPER_RESENT = Counter("sift_sweeper_resent_total", "Comments the sweeper enqueued again.")
RETENTION_APPLIED = Counter("sift_retention_applied_total", "Rows changed by retention, by kind.", ["kind"])

WEBHOOK_DELIVERIES = Counter("sift_webhook_deliveries_total", "Webhook delivery attempts, by outcome.", ["outcome"])
WEBHOOK_SECONDS = Histogram(
    "sift_webhook_delivery_seconds", "Time one webhook delivery attempt took.", ["outcome"], buckets=_SECONDS
)


def record_comment_received(site: str) -> None:
    """Count a comment accepted at intake."""
    COMMENTS_RECEIVED.labels(site=site).inc()


def record_decision(site: str, action: str, seconds_since_intake: float | None = None) -> None:
    """Count a pipeline decision, and how long it took from intake."""
    COMMENTS_DECIDED.labels(site=site, action=action).inc()
    if seconds_since_intake is not None and seconds_since_intake >= 0:
        DECISION_SECONDS.observe(seconds_since_intake)


def record_filter_seconds(filter_id: str, seconds: float) -> None:
    """Record how long one filter took on one comment."""
    FILTER_SECONDS.labels(filter=filter_id).observe(seconds)


class VerdictLike(Protocol):
    """What `record_pipeline` reads of a filter verdict (workers.filters.base.Verdict)."""

    @property
    def filter_id(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def action(self) -> str: ...


def record_pipeline(verdicts: Iterable[VerdictLike], seconds: float) -> None:
    """Count a decided comment's verdicts by filter and action, their scores, and the pipeline's time."""
    PIPELINE_SECONDS.observe(seconds)
    for verdict in verdicts:
        FILTER_VERDICTS.labels(filter=verdict.filter_id, action=str(verdict.action)).inc()
        FILTER_SCORES.labels(filter=verdict.filter_id).observe(verdict.score)


def record_webhook_delivery(outcome: str, seconds: float) -> None:
    """Count one webhook delivery attempt and its latency."""
    if outcome not in WEBHOOK_OUTCOMES:
        raise ValueError(f"unknown webhook outcome {outcome!r}; use one of {WEBHOOK_OUTCOMES}")
    WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()
    WEBHOOK_SECONDS.labels(outcome=outcome).observe(seconds)


def record_sweeper_resent(count: int) -> None:
    """Count comments the sweeper enqueued again."""
    if count:
        SWEEPER_RESENT.inc(count)
