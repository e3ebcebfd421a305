"""Request ids, JSON logs, `/metrics`, and the 503 answer while a store is down.

`/metrics` aggregates every process sharing PROMETHEUS_MULTIPROC_DIR (gunicorn workers and Celery
workers on this host); without that variable it shows this process only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

import redis
import structlog
from flask import Flask, Response, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import exc as sqlalchemy_errors

from service.edge.errors import ApiError, error_response
from service.observability import metrics
from service.observability.structured_logs import (
    accept_request_id,
    bind_request_id,
    configure_logging,
    unbind_request_id,
)
from workers import names

log = structlog.get_logger(__name__)

# How long a client should wait before trying again while the database or Redis is down.
RETRY_AFTER_SECONDS = 5
# Celery's Redis transport keeps the queue as a list named after it, and unacked messages in this hash.
UNACKED_HASH = "unacked"
# Largest id a BIGINT column holds.
MAX_ROW_ID = 2**63 - 1


class QueueDepthCollector(Collector):
    """Read the queue depth from Redis at scrape time, so it is exact whichever process scrapes."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def collect(self) -> Iterable[GaugeMetricFamily]:
        depth = GaugeMetricFamily("sift_queue_depth", "Messages waiting in the Celery queue.", labels=["state"])
        try:
            pipe = self.client.pipeline()
            pipe.llen(names.QUEUE)
            pipe.hlen(UNACKED_HASH)
            waiting, unacked = pipe.execute()
        except redis.RedisError:
            # Redis being down is visible on /readyz; the scrape itself must still succeed.
            return []
        depth.add_metric(["waiting"], float(waiting))
        depth.add_metric(["unacked"], float(unacked))
        return [depth]


def build_registry(client: redis.Redis) -> CollectorRegistry:
    """Return the registry `/metrics` serves: every process's samples plus the queue depth."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in list(REGISTRY._collector_to_names):  # the in-process metrics
            registry.register(collector)
    registry.register(QueueDepthCollector(client))
    return registry


def init_app(app: Flask) -> None:
    """Give every request an id and JSON logs, count it, serve /metrics and answer 503 while a store is down."""
    configure_logging()
    registry = build_registry(app.extensions["sift"].redis)

    @app.before_request
    def _start_request() -> None:
        g.request_id = accept_request_id(request.headers.get("X-Request-Id"))
        g.request_started = time.perf_counter()
        bind_request_id(g.request_id)

    @app.after_request
    def _finish_request(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        metrics.HTTP_REQUESTS.labels(method=request.method, route=route, status=str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            metrics.HTTP_SECONDS.labels(route=route).observe(time.perf_counter() - started)
        return response

    @app.url_value_preprocessor
    def _reject_ids_out_of_range(_endpoint: str | None, values: dict[str, object] | None) -> None:
        # `<int:id>` accepts any digits; an id past the 64-bit range names no row and would make
        # PostgreSQL raise a DataError (a 500), so it is answered as "not found" here, once for every route.
        for value in (values or {}).values():
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ROW_ID:
                raise ApiError(404, "No such resource.")

    @app.teardown_request
    def _forget_request(_error: BaseException | None) -> None:
        unbind_request_id()

    @app.get("/metrics")
    def prometheus_metrics() -> ResponseReturnValue:
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    def _store_unavailable(error: Exception) -> ResponseReturnValue:
        metrics.DATABASE_UNAVAILABLE.inc()
        log.warning("request.store_unavailable", error_type=type(error).__name__, path=request.path)
        return error_response(
            ApiError(
                503,
                "The service is briefly unavailable; try again shortly.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        )

    # Connection-level failures only: a constraint violation is a bug or a 4xx, never "try again".
    for error_class in (
        sqlalchemy_errors.OperationalError,
        sqlalchemy_errors.InterfaceError,
        sqlalchemy_errors.TimeoutError,
        redis.ConnectionError,
        redis.TimeoutError,
    ):
        app.register_error_handler(error_class, _store_unavailable)
