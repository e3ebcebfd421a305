"""Worker drain benchmark: decided comments/s and CPU per decided comment, against a no-op Celery drain.

`sift bench load` measures the workers end to end behind the real intake; this isolates them:
1. `comments` received comments (the load bench's bodies, 500 authors) are written straight to
   the database and queued as the intake queues them (`enqueue_moderation`, in groups of `group`,
   the intake's group commit's size under load), while `workers` `--pool solo` workers wait;
2. the workers drain them: decided/s between the first and the last decision, and the CPU the
   workers and their PostgreSQL backends spent per decided comment (from /proc, so Linux only);
3. as many no-op tasks (bench/noop_worker.py: the workers' Celery settings) drained by as many workers:
   what Celery itself allows, the ceiling the ratio is taken against.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import func, select, text

from bench.load import SITE, _count, _reset_site, _stop, decided_per_second, machine, prepare_run, start_worker
from bench.noop_worker import NOOP_QUEUE, NOOP_TASK
from config.settings import Settings
from service.storage.comment_insert import insert_comments
from service.storage.db import make_engine, make_hot_path_engine
from service.storage.models import Comment
from workers.publisher import enqueue_moderation, task_message

BODY = (
    "Comment {n}. I read the article twice and I still think the council got the budget wrong: the bus lanes "
    "were promised in the last election, the money was set aside, and now it goes to parking. Happy to be "
    "shown the numbers, but so far nobody has published them. Thanks for covering it."
)


# Comments per worker decided (one a task) before the clock starts: a worker loads its filters'
# models on its first comment, seconds of CPU that are no part of the cost per comment.
WARM_UP = 8


@dataclass(frozen=True)
class DrainOptions:
    comments: int = 3000
    workers: int = 2
    group: int = 16
    noop_tasks: int = 5000


def run_drain(settings: Settings, options: DrainOptions) -> dict[str, Any]:
    env, engine, sessions, broker = prepare_run(settings)
    with tempfile.TemporaryDirectory(prefix="sift-drain-") as scratch:
        work = Path(scratch)
        ids = _store_comments(settings, options, sessions)
        warm_up, ids = ids[: WARM_UP * options.workers], ids[WARM_UP * options.workers :]
        decided = _timed_drain(env, work, options, sessions, engine, ids, warm_up)
        noop = _noop_drain(env, work, options, broker)
    _reset_site(sessions)
    engine.dispose()
    ratio = decided["decided_per_second"] / noop["tasks_per_second"] if noop["tasks_per_second"] else 0.0
    return {
        "machine": machine(),
        "options": asdict(options),
        "decided": decided,
        "noop": noop,
        "ratio_to_noop": round(ratio, 3),
    }


def _store_comments(settings: Settings, options: DrainOptions, sessions: Any) -> list[int]:
    """Write the received comments (queued only when the workers are up, in _timed_drain)."""
    from service.storage.accounts import get_site

    with sessions() as session:
        site_id = get_site(session, SITE).id
    rows = [
        {
            "site_id": site_id, "thread": f"bench-{n % 50}", "parent_id": None, "body": BODY.format(n=n),
            "author_name": f"Reader {n % 500}", "author_email": f"reader{n % 500}@example.org", "author_url": "",
            "page_url": "", "client_ip": f"10.0.{n % 250}.{n % 200}", "user_agent": "bench", "honeypot_filled": False,
            "form_token_status": "absent", "request_id": f"drain-{n}", "enqueue_count": 1, "warning": "",
        }
        for n in range(options.comments + WARM_UP * options.workers)
    ]  # fmt: skip
    hot = make_hot_path_engine(settings.database_url, make_engine(settings.database_url))
    stored: list[int] = []
    with hot.connect() as connection:
        for start in range(0, len(rows), 32):
            stored += insert_comments(connection, rows[start : start + 32])
    hot.dispose()
    return stored


def _timed_drain(
    env: dict[str, str],
    work: Path,
    options: DrainOptions,
    sessions: Any,
    engine: Any,
    ids: list[int],
    warm_up: list[int],
) -> dict[str, Any]:
    broker = redis.Redis.from_url(env["REDIS_URL"])
    workers = [start_worker(env, work, n) for n in range(options.workers)]
    try:
        _wait_ready(workers, work)
        for comment_id in warm_up:
            enqueue_moderation(broker, [(comment_id, "")])
        _wait_decided(sessions, warm_up, timeout=120)
        backends_before = _backend_cpu(engine)
        before = sum(_cpu_seconds(worker.pid) for worker in workers)
        for start in range(0, len(ids), options.group):
            enqueue_moderation(broker, [(comment_id, "") for comment_id in ids[start : start + options.group]])
        decided_per_second = _wait_decided(sessions, ids, timeout=max(120.0, len(ids) / 20))
        worker_cpu = sum(_cpu_seconds(worker.pid) for worker in workers) - before
        backends = _backend_cpu(engine)
        backend_cpu = sum(cpu - backends_before.get(pid, 0.0) for pid, cpu in backends.items())
    finally:
        for worker in workers:
            _stop(worker)
    return {
        "comments": len(ids),
        "decided_per_second": round(decided_per_second, 1),
        "received_left": _count(sessions, "received"),
        "worker_cpu_ms_per_comment": round(worker_cpu * 1000 / len(ids), 3),
        "postgres_cpu_ms_per_comment": round(backend_cpu * 1000 / len(ids), 3),
    }


def _wait_decided(sessions: Any, ids: list[int], timeout: float) -> float:
    """Wait until none of `ids` is received; return their decisions per second, first decision to last."""
    deadline = time.monotonic() + timeout
    decided = Comment.id.in_(ids) & Comment.decided_at.is_not(None)
    while time.monotonic() < deadline:
        with sessions() as session:
            if session.scalar(select(func.count()).where(decided)) == len(ids):
                return decided_per_second(sessions, decided, len(ids))
        time.sleep(0.1)
    raise RuntimeError(f"workers did not decide {len(ids)} comments within {timeout:.0f}s")


def _noop_drain(env: dict[str, str], work: Path, options: DrainOptions, broker: redis.Redis) -> dict[str, Any]:
    """Drain no-op tasks with the same number of solo workers; tasks/s until the last is acknowledged."""
    broker.delete(NOOP_QUEUE)
    workers = [start_worker(env, work, n, "bench.noop_worker", NOOP_QUEUE) for n in range(options.workers)]
    try:
        _wait_ready(workers, work)
        before = sum(_cpu_seconds(worker.pid) for worker in workers)
        messages = [_noop_message(n) for n in range(options.noop_tasks)]
        started = time.monotonic()
        for start in range(0, len(messages), 1000):
            broker.lpush(NOOP_QUEUE, *messages[start : start + 1000])
        deadline = started + 120
        # Acknowledged late, as the real tasks: done when the list and kombu's unacked hash are empty.
        while (broker.llen(NOOP_QUEUE) or broker.hlen("unacked")) and time.monotonic() < deadline:
            time.sleep(0.005)
        seconds = time.monotonic() - started
        worker_cpu = sum(_cpu_seconds(worker.pid) for worker in workers) - before
    finally:
        for worker in workers:
            _stop(worker)
        broker.delete(NOOP_QUEUE)
    return {
        "tasks": options.noop_tasks,
        "tasks_per_second": round(options.noop_tasks / seconds, 1) if seconds else 0.0,
        "worker_cpu_ms_per_task": round(worker_cpu * 1000 / options.noop_tasks, 3),
    }


def _noop_message(n: int) -> bytes:
    """The message `send_task` would write for the no-op task: the intake's own, renamed and re-routed."""
    message = json.loads(task_message(n))
    message["headers"]["task"] = NOOP_TASK
    message["properties"]["delivery_info"]["routing_key"] = NOOP_QUEUE
    return json.dumps(message).encode()


def _wait_ready(workers: list[Any], work: Path) -> None:
    """Wait until each worker's CPU stops rising: imported, connected and blocked on the broker."""
    last = -1.0
    for _ in range(100):
        time.sleep(0.5)
        if any(worker.poll() is not None for worker in workers):
            logs = "".join(path.read_text(errors="replace")[-2000:] for path in work.glob("*.log"))
            raise RuntimeError(f"a worker exited at start:\n{logs}")
        now = sum(_cpu_seconds(worker.pid) for worker in workers)
        if now - last < 0.01:
            return
        last = now
    raise RuntimeError("workers did not settle")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backend_cpu(engine: Any) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends connected to the bench's database (other than ours)."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalars()
        found = {}
        for pid in pids:
            try:
                found[int(pid)] = _cpu_seconds(int(pid))
            except (FileNotFoundError, PermissionError):
                continue
        return found


def format_drain_report(figures: dict[str, Any]) -> str:
    decided, noop = figures["decided"], figures["noop"]
    options = figures["options"]
    return "\n".join(
        [
            f"{options['workers']} solo workers, {decided['comments']} comments "
            f"queued in groups of {options['group']}:",
            f"  decided:        {decided['decided_per_second']:8.0f} comments/s  "
            f"worker CPU {decided['worker_cpu_ms_per_comment']:.2f} ms/comment  "
            f"PostgreSQL backends {decided['postgres_cpu_ms_per_comment']:.2f} ms/comment",
            f"  no-op drain:    {noop['tasks_per_second']:8.0f} tasks/s     "
            f"worker CPU {noop['worker_cpu_ms_per_task']:.2f} ms/task",
            f"  decided / no-op drain: {figures['ratio_to_noop']:.2f}",
        ]
    )
