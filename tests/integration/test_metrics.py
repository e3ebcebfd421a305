"""`/metrics` and JSON logs on real processes: gunicorn (2 workers) and a Celery worker sharing one metrics dir."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment, Site
from tests.support import Process, claim_redis_db, start_gunicorn, start_worker, wait_for


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def stack(
    service_env: dict[str, str], redis_url: str, tmp_path: Path, site: Site
) -> Iterator[tuple[str, Process, Process]]:
    """gunicorn and a worker on a queue of their own (a private Redis db) sharing one metrics dir."""
    base = redis_url.rsplit("/", 1)[0]
    number = claim_redis_db(base)
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = dict(service_env, REDIS_URL=f"{base}/{number}", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    worker = start_worker(env, tmp_path, name="metrics-worker", concurrency=2)
    server, base_url = start_gunicorn(env, tmp_path, workers=2)
    try:
        yield base_url, server, worker
    finally:
        server.stop()
        worker.stop()
        redis.Redis.from_url(f"{base}/{number}").flushdb()


@pytest.mark.slow
def test_metrics_count_comments_from_intake_to_decision_across_processes(
    stack: tuple[str, Process, Process], sessions: sessionmaker[Session]
) -> None:
    base_url, _server, _worker = stack
    with httpx.Client(base_url=base_url, timeout=10) as http:
        ids = [
            http.post("/v1/sites/demo/comments", json={"thread": "t", "body": f"Comment number {n}."}).json()["id"]
            for n in range(6)
        ]

        def all_decided() -> bool:
            with sessions() as session:
                statuses = session.scalars(select(Comment.status).where(Comment.id.in_(ids))).all()
            return len(statuses) == 6 and all(status != "received" for status in statuses)

        wait_for(all_decided, timeout=30, what="comments decided")

        def scraped() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            found = samples(http.get("/metrics").text)
            key = ("sift_comments_decided_total", (("action", "publish"), ("site", "demo")))
            return found if found.get(key) == 6 else {}

        found = wait_for(scraped, timeout=15, what="decisions visible in /metrics")

    assert found[("sift_comments_received_total", (("site", "demo"),))] == 6
    # Posted one after another: each is a group of one, one task each.
    assert found[("sift_tasks_total", (("outcome", "success"), ("task", "moderation.moderate_comments")))] == 6
    assert found[("sift_decision_seconds_count", ())] == 6
    assert ("sift_queue_depth", (("state", "waiting"),)) in found
    posted = [key for key in found if key[0] == "sift_http_requests_total" and ("status", "202") in key[1]]
    assert sum(found[key] for key in posted) == 6


@pytest.mark.slow
def test_one_request_id_follows_a_comment_from_http_into_the_worker(
    stack: tuple[str, Process, Process], sessions: sessionmaker[Session]
) -> None:
    base_url, server, worker = stack
    request_id = "trace-4f1c2a9e7d"
    with httpx.Client(base_url=base_url, timeout=10) as http:
        answer = http.post(
            "/v1/sites/demo/comments", json={"thread": "t", "body": "Follow me."}, headers={"X-Request-Id": request_id}
        )
    assert answer.headers["X-Request-Id"] == request_id
    comment_id = answer.json()["id"]

    def decided_line() -> dict[str, object] | None:
        for line in worker.log().splitlines():
            if line.startswith("{") and '"moderation.decided"' in line:
                record = json.loads(line)
                if record.get("comment_id") == comment_id:
                    return record
        return None

    record = wait_for(decided_line, timeout=30, what="worker logged the decision")
    assert record["request_id"] == request_id
    with sessions() as session:
        assert session.scalar(select(Comment.request_id).where(Comment.id == comment_id)) == request_id
    accepted = [json.loads(line) for line in server.log().splitlines() if '"intake.accepted"' in line]
    assert any(entry["request_id"] == request_id for entry in accepted)


def test_a_malformed_request_id_is_replaced(client: FlaskClient, site: Site) -> None:
    forged = "<script>alert(1)</script>" * 4
    answer = client.get("/healthz", headers={"X-Request-Id": forged})
    assert answer.headers["X-Request-Id"] != forged
    assert len(answer.headers["X-Request-Id"]) == 32


def test_webhook_delivery_metrics_refuse_an_unknown_outcome() -> None:
    from service.observability.metrics import WEBHOOK_DELIVERIES, record_webhook_delivery

    before = WEBHOOK_DELIVERIES.labels(outcome="delivered")._value.get()
    record_webhook_delivery("delivered", 0.05)
    assert WEBHOOK_DELIVERIES.labels(outcome="delivered")._value.get() == before + 1
    with pytest.raises(ValueError, match="unknown webhook outcome"):
        record_webhook_delivery("exploded", 0.1)


@pytest.mark.slow
def test_metrics_show_each_filter_s_verdicts_scores_and_time_from_the_worker(
    stack: tuple[str, Process, Process], sessions: sessionmaker[Session]
) -> None:
    base_url, _server, _worker = stack
    bodies = [
        "A calm and clear article.",
        "Thanks, well argued.",
        "Deals at http://a.example http://b.example http://c.example",
    ]
    with httpx.Client(base_url=base_url, timeout=10) as http:
        ids = [http.post("/v1/sites/demo/comments", json={"thread": "t", "body": body}).json()["id"] for body in bodies]

        def decided() -> dict[int, str]:
            with sessions() as session:
                rows = session.execute(select(Comment.id, Comment.status).where(Comment.id.in_(ids))).all()
            statuses = dict(rows)
            return statuses if len(statuses) == 3 and "received" not in statuses.values() else {}

        statuses = wait_for(decided, timeout=30, what="comments decided")
        assert statuses[ids[2]] == "held"

        def scraped() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            found = samples(http.get("/metrics").text)
            return found if found.get(("sift_pipeline_seconds_count", ())) == 3 else {}

        found = wait_for(scraped, timeout=15, what="pipeline runs visible in /metrics")

    # The API's /metrics shows what the worker process recorded: one held verdict from the links filter,
    # its score among the links filter's scores, and the links filter timed on every comment.
    assert found[("sift_filter_verdicts_total", (("action", "hold"), ("filter", "links")))] == 1
    assert found[("sift_filter_score_count", (("filter", "links"),))] >= 1
    assert found[("sift_filter_score_bucket", (("filter", "links"), ("le", "1.0")))] >= 1
    assert found[("sift_filter_seconds_count", (("filter", "links"),))] == 3
    assert found[("sift_pipeline_seconds_bucket", (("le", "+Inf"),))] == 3
    verdicts = {key: value for key, value in found.items() if key[0] == "sift_filter_verdicts_total"}
    assert sum(verdicts.values()) >= 1
