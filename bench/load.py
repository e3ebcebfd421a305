"""Load benchmark: the real intake under gunicorn and real Celery workers, against a bare floor, on this machine.

Phases, all on 127.0.0.1, each bounded in time:
1. floor: `bench.floor_app` (parse the body, `.delay()`) under gunicorn (config/gunicorn.py: gevent x2), loaded by wrk;
2. intake: the real API (validation, rate limit, database insert, enqueue) under the same settings;
   phases 1 and 2 run at each wrk concurrency asked for (16 and 64 connections by default);
3. end to end: workers start on the backlog phase 2 left; decided comments per second;
4. latency: comments offered at a fixed rate with the workers running; intake-to-decision p50/p99.

The intake / floor target is judged at the highest concurrency: both servers at their capacity.
At 16 connections the intake is held back by its latency, not its CPU (each connection waits for
its commit; its workers were 15 % idle), while the floor, with nothing to wait for, is nearly at
capacity already: a ratio there measures the commit's latency, which the decision-latency phase
measures directly. Both are printed.

Run it against a dedicated database and Redis database: it writes comments for site `bench` and
deletes them at the end.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import delete, func, select

from bench.floor_app import FLOOR_QUEUE
from bench.wrk import WrkResult, run_wrk
from config.settings import REPO_ROOT, Settings
from service.storage.accounts import AccountError, create_site, get_site
from service.storage.db import make_engine, make_session_factory, transaction
from service.storage.models import Comment
from workers import names

BIN = Path(sys.executable).parent
SITE = "bench"
TARGETS = {"intake_ratio_to_floor": 0.8, "decided_per_second": 200.0, "decision_p99_ms_at_100_per_second": 250.0}


@dataclass(frozen=True)
class LoadOptions:
    seconds: float = 10.0
    connections: tuple[int, ...] = (16, 64)
    gunicorn_workers: int = 2
    celery_workers: int = 2
    offered_rate: float = 100.0
    rate_seconds: float = 20.0


def run_load(settings: Settings, options: LoadOptions, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Run every phase and return the figures (also checked against the targets)."""
    env, engine, sessions, broker = prepare_run(settings, environ)
    with tempfile.TemporaryDirectory(prefix="sift-load-") as scratch:
        work = Path(scratch)
        levels = [_measure_level(env, options, work, connections, broker) for connections in options.connections]
        api, base_url = _start_gunicorn("service.wsgi:app", env, options, work)
        try:
            backlog = _count(sessions, "received")
            workers = [start_worker(env, work, n) for n in range(options.celery_workers)]
            try:
                decided_per_second = _drain(sessions, backlog, timeout=max(120.0, backlog / 50))
                latency = _offer_at_fixed_rate(base_url, sessions, options)
            finally:
                for worker in workers:
                    _stop(worker)
        finally:
            _stop(api)
    _reset_site(sessions)
    engine.dispose()
    return _report(levels, backlog, decided_per_second, latency, options)


def prepare_run(
    settings: Settings, environ: dict[str, str] | None = None, *limits: str
) -> tuple[dict[str, str], Any, Any, redis.Redis]:
    """Return the servers' environment, engine, sessions and broker, the bench site emptied.

    The real limits would refuse a load generator at once; a huge one (for the intake and the
    `SIFT_RATE_LIMIT_*` variables named in `limits`) keeps the limiter's cost in the figure.
    """
    env = dict(os.environ if environ is None else environ)
    env.update({name: "100000000/minute" for name in ("SIFT_RATE_LIMIT_INTAKE", *limits)})
    env.update(PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    broker = redis.Redis.from_url(settings.redis_url)
    _reset_site(sessions)
    _start_clean(engine, broker)
    return env, engine, sessions, broker


def _measure_level(
    env: dict[str, str], options: LoadOptions, work: Path, connections: int, broker: redis.Redis
) -> dict[str, Any]:
    """Floor, then intake, each in a fresh gunicorn, at one wrk concurrency."""
    floor = _measure(env, options, work, "bench.floor_app:app", "/floor", connections)
    broker.delete(FLOOR_QUEUE)
    intake = _measure(env, options, work, "service.wsgi:app", f"/v1/sites/{SITE}/comments", connections)
    ratio = intake.requests_per_second / floor.requests_per_second if floor.requests_per_second else 0.0
    return {"connections": connections, "floor": asdict(floor), "intake": asdict(intake), "ratio": round(ratio, 3)}


def _report(
    levels: list[dict[str, Any]],
    backlog: int,
    decided_per_second: float,
    latency: dict[str, float],
    options: LoadOptions,
) -> dict[str, Any]:
    judged = max(levels, key=lambda level: level["connections"])
    figures: dict[str, Any] = {
        "machine": machine(),
        "options": asdict(options),
        "throughput": levels,
        "end_to_end": {"comments": backlog, "decided_per_second": round(decided_per_second, 1)},
        "latency_at_fixed_rate": latency,
    }
    figures["targets"] = {
        "intake_ratio_to_floor": {
            "target": TARGETS["intake_ratio_to_floor"],
            "connections": judged["connections"],
            "ratio": judged["ratio"],
            "met": judged["ratio"] >= TARGETS["intake_ratio_to_floor"],
        },
        "decided_per_second": {
            "target": TARGETS["decided_per_second"],
            "met": decided_per_second >= TARGETS["decided_per_second"],
        },
        "decision_p99_ms": {
            "target": TARGETS["decision_p99_ms_at_100_per_second"],
            "met": latency["p99_ms"] <= TARGETS["decision_p99_ms_at_100_per_second"] and options.offered_rate >= 100,
        },
    }
    return figures


def machine() -> dict[str, Any]:
    """Describe the machine the figures come from."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def _measure(
    env: dict[str, str], options: LoadOptions, work: Path, target: str, path: str, connections: int
) -> WrkResult:
    server, base_url = _start_gunicorn(target, env, options, work)
    try:
        run_wrk(f"{base_url}{path}", 1, connections, work)  # warm-up
        return run_wrk(f"{base_url}{path}", options.seconds, connections, work)
    finally:
        _stop(server)


def _drain(sessions: Any, backlog: int, timeout: float) -> float:
    """Wait for the backlog to be decided; return decisions per second between the first and last decision."""
    deadline = time.monotonic() + timeout
    while _count(sessions, "received") and time.monotonic() < deadline:
        time.sleep(0.25)
    if _count(sessions, "received"):
        raise RuntimeError(f"workers did not decide {backlog} comments within {timeout:.0f}s")
    return decided_per_second(sessions, _bench_site(), backlog)


def decided_per_second(sessions: Any, decided: Any, count: int) -> float:
    """`count` decisions over the span from the first to the last of those `decided` selects."""
    with sessions() as session:
        first, last = session.execute(
            select(func.min(Comment.decided_at), func.max(Comment.decided_at)).where(decided)
        ).one()
    span = (last - first).total_seconds() if first and last else 0.0
    return count / span if span > 0 else float(count)


def _offer_at_fixed_rate(base_url: str, sessions: Any, options: LoadOptions) -> dict[str, float]:
    """Send comments on an open-loop schedule and measure intake-to-decision latency from the database."""
    total = max(1, int(options.offered_rate * options.rate_seconds))
    ids: list[int] = []
    lock = threading.Lock()
    errors = 0

    def send(client: httpx.Client, n: int) -> None:
        nonlocal errors
        body = {
            "thread": "bench-rate",
            "body": f"Fixed-rate comment {n}: a calm and ordinary remark.",
            "author_name": f"R{n}",
        }
        try:
            answer = client.post(f"{base_url}/v1/sites/{SITE}/comments", json=body)
        except httpx.HTTPError:
            answer = None
        with lock:
            if answer is not None and answer.status_code == 202:
                ids.append(answer.json()["id"])
            else:
                errors += 1

    start = time.monotonic()
    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(total):
            delay = start + n / options.offered_rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, client, n)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _undecided(sessions, ids):
        time.sleep(0.2)
    with sessions() as session:
        rows = session.execute(select(Comment.created_at, Comment.decided_at).where(Comment.id.in_(ids))).all()
    latencies = sorted((decided - created).total_seconds() * 1000 for created, decided in rows if decided)
    return {
        "offered_per_second": options.offered_rate,
        "comments": len(ids),
        "errors": errors,
        "undecided": len(ids) - len(latencies),
        "p50_ms": round(_quantile(latencies, 0.50), 1),
        "p99_ms": round(_quantile(latencies, 0.99), 1),
    }


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


def _undecided(sessions: Any, ids: list[int]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).where(Comment.id.in_(ids), Comment.decided_at.is_(None))) or 0)


def _bench_site() -> Any:
    from service.storage.models import Site

    return Comment.site_id == select(Site.id).where(Site.name == SITE).scalar_subquery()


def _count(sessions: Any, status: str) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).where(_bench_site(), Comment.status == status)) or 0)


def _reset_site(sessions: Any) -> None:
    with transaction(sessions) as session:
        try:
            get_site(session, SITE)
        except AccountError:
            create_site(session, SITE, "Load benchmark")
        session.execute(delete(Comment).where(_bench_site()))


def _start_clean(engine: Any, broker: redis.Redis) -> None:
    """Start every run from the same state: no stale messages, no dead rows from earlier runs.

    Each run deletes its comments; where autovacuum is off or behind (it is off on some test
    machines), the dead rows pile up run after run and every later run reads bloated tables
    and indexes: the decided rate halved over a dozen runs before this. The queue may hold
    messages a crashed or interrupted run left behind (the bench's Redis database is its own).
    """
    broker.delete(names.QUEUE)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("comments", "verdicts", "audit_log"):
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_gunicorn(target: str, env: dict[str, str], options: LoadOptions, work: Path) -> tuple[Any, str]:
    port = _free_port()
    log = open(work / f"gunicorn-{port}.log", "ab")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"), target, "--config", "python:config.gunicorn", "--bind", f"127.0.0.1:{port}",
            "--workers", str(options.gunicorn_workers), "--backlog", "2048", "--log-level", "warning",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base_url}/healthz", timeout=1)
            return process, base_url
        except httpx.HTTPError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"gunicorn {target} did not start; see {work}")


def start_worker(
    env: dict[str, str], work: Path, number: int, app: str = "workers.celery_app", queue: str = names.QUEUE
) -> Any:
    """One `--pool solo` Celery worker of `app` on `queue`, logging to `work`."""
    # Independent consumer loops scale; more pool children behind one loop do not (see performance-floors.md).
    log = open(work / f"{queue}-{number}.log", "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        [
            str(BIN / "celery"), "-A", app, "worker", "--pool", "solo", "-Q", queue,
            "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"bench-{queue}-{number}-{os.getpid()}@%h",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
    )  # fmt: skip


def _stop(process: Any) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def format_machine(box: dict[str, Any]) -> str:
    return f"machine: {box['cpus']} CPUs, {box['cpu_model']}, {box['system']}, Python {box['python']}"


def format_rate(label: str, figure: dict[str, Any], errors: bool = True) -> str:
    """One wrk figure on one line: `label` padded, req/s, p50, p99 (and non-2xx answers)."""
    line = (
        f"  {label:<28}{figure['requests_per_second']:8.0f} req/s  "
        f"p50 {figure['p50_ms']:.1f} ms  p99 {figure['p99_ms']:.1f} ms"
    )
    return f"{line}  non-2xx {figure['non_2xx']}" if errors else line


def format_report(figures: dict[str, Any]) -> str:
    """Render the figures for a person."""
    end, rate = figures["end_to_end"], figures["latency_at_fixed_rate"]
    targets = figures["targets"]
    met = {name: "met" if check["met"] else "NOT met" for name, check in targets.items()}
    lines = [format_machine(figures["machine"])]
    for level in figures["throughput"]:
        lines += [
            f"{level['connections']} connections:",
            format_rate("floor  (Flask + .delay()):", level["floor"], errors=False),
            format_rate("intake (real API):", level["intake"]),
            f"  intake / floor:             {level['ratio']:.2f}",
        ]
    ratio = targets["intake_ratio_to_floor"]
    lines += [
        f"intake / floor at {ratio['connections']} connections: {ratio['ratio']:.2f}  "
        f"(target >= {ratio['target']}: {met['intake_ratio_to_floor']})",
        f"decided end to end:         {end['decided_per_second']:8.0f} comments/s over {end['comments']} "
        f"(target >= 200: {met['decided_per_second']})",
        f"decision latency at {rate['offered_per_second']:.0f}/s:  p50 {rate['p50_ms']:.1f} ms  "
        f"p99 {rate['p99_ms']:.1f} ms over {rate['comments']} comments "
        f"(target p99 <= 250 ms: {met['decision_p99_ms']})",
    ]
    return "\n".join(lines)


def main() -> None:
    """Run with the defaults from the environment; print JSON with --json."""
    figures = run_load(Settings.from_env(), LoadOptions())
    print(json.dumps(figures, indent=2) if "--json" in sys.argv else format_report(figures))


if __name__ == "__main__":
    main()
