"""Celery signal handlers: JSON logs, the request id across the broker, task outcome and retry metrics.

Connected once per process by `connect_signals()`, which `workers.queue.make_celery` calls, so the web
process (which only publishes) and the workers (which also run tasks) get the same behaviour.
"""

from __future__ import annotations

import os
import time
from typing import Any

from celery import signals

from service.observability import metrics
from service.observability.structured_logs import (
    REQUEST_ID_HEADER,
    accept_request_id,
    bind_request_id,
    configure_logging,
    current_request_id,
    unbind_request_id,
)

_connected = False
_started: dict[str, float] = {}


def connect_signals() -> None:
    """Connect the handlers below (idempotent)."""
    global _connected
    if _connected:
        return
    # weak=False: the handlers are module functions, but be explicit that they must stay connected.
    signals.before_task_publish.connect(_carry_request_id, weak=False)
    signals.task_prerun.connect(_task_started, weak=False)
    signals.task_postrun.connect(_task_finished, weak=False)
    signals.task_retry.connect(_task_retried, weak=False)
    signals.task_failure.connect(_task_failed, weak=False)
    signals.after_setup_logger.connect(_json_logs, weak=False)
    signals.worker_process_shutdown.connect(_mark_process_dead, weak=False)
    _connected = True


def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Put the current request id into the message, so the task logs under the same id."""
    request_id = current_request_id()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


def _task_started(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    carried = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if carried is None and task is not None:
        carried = (task.request.headers or {}).get(REQUEST_ID_HEADER) if task.request.headers else None
    bind_request_id(accept_request_id(carried))
    if task_id:
        _started[task_id] = time.perf_counter()


def _task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    name = getattr(task, "name", "unknown")
    started = _started.pop(task_id or "", None)
    if started is not None:
        metrics.TASK_SECONDS.labels(task=name).observe(time.perf_counter() - started)
    # RETRY is counted by _task_retried and FAILURE by _task_failed; count the rest here.
    if state not in ("RETRY", "FAILURE"):
        metrics.TASKS.labels(task=name, outcome=(state or "unknown").lower()).inc()
    unbind_request_id()


def _task_retried(sender: Any = None, **_: Any) -> None:
    name = getattr(sender, "name", "unknown")
    metrics.TASK_RETRIES.labels(task=name).inc()
    metrics.TASKS.labels(task=name, outcome="retry").inc()


def _task_failed(sender: Any = None, **_: Any) -> None:
    metrics.TASKS.labels(task=getattr(sender, "name", "unknown"), outcome="failure").inc()


def _json_logs(**_: Any) -> None:
    configure_logging()


def _mark_process_dead(pid: int | None = None, **_: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]
