"""`sift dev` supervises its children: a dead worker is restarted, and SIGTERM stops all of them gracefully."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site
from tests.fault.conftest import statuses
from tests.support import BIN, Process, free_port, port_open, start_worker, wait_for


def worker_child(supervisor: psutil.Process) -> psutil.Process | None:
    for child in supervisor.children():
        try:
            argv = child.cmdline()
        except psutil.Error:  # a zombie not yet reaped by sift dev
            continue
        if "worker" in argv and "celery" in " ".join(argv):
            return child
    return None


@pytest.mark.slow
def test_dev_restarts_a_killed_worker_and_stops_everything_on_sigterm(
    private_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    port = free_port()
    dev = Process("sift-dev", [str(BIN / "sift"), "dev", "--port", str(port)], private_env, tmp_path).start()
    try:
        wait_for(lambda: port_open("127.0.0.1", port) or not dev.alive, timeout=60, what="sift dev listening")
        assert dev.alive, dev.log()
        assert dev.process is not None
        supervisor = psutil.Process(dev.process.pid)
        first_worker = wait_for(lambda: worker_child(supervisor), what="the worker child")
        children_before = supervisor.children(recursive=True)

        for process in [*first_worker.children(recursive=True), first_worker]:
            process.send_signal(signal.SIGKILL)
        wait_for(
            lambda: (child := worker_child(supervisor)) is not None and child.pid != first_worker.pid and child,
            timeout=30,
            what="a new worker started by sift dev",
        )
        assert "worker exited with -9; restarting it" in dev.log()

        base_url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base_url, timeout=10) as http:
            after_restart = http.post("/v1/sites/demo/comments", json={"thread": "t", "body": "After the restart."})
            wait_for(
                lambda: statuses(sessions, [after_restart.json()["id"]]) == {after_restart.json()["id"]: "published"},
                timeout=60,
                what="the restarted worker deciding",
            )
            posted = [
                http.post("/v1/sites/demo/comments", json={"thread": "t", "body": f"Just before SIGTERM {n}."})
                for n in range(10)
            ]
            in_flight = [answer.json()["id"] for answer in posted]
        everyone = [*children_before, *supervisor.children(recursive=True)]
        dev.process.send_signal(signal.SIGTERM)
        assert dev.process.wait(60) == 0
        assert not [p.pid for p in everyone if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert "stopped" in dev.log()
    finally:
        dev.stop(timeout=60)  # sift dev may take 10 s + 20 s + 10 s to stop its children gracefully

    # Whatever the worker had not finished went back to the queue: a fresh worker, with no sweeper, decides it all.
    worker = start_worker(private_env, tmp_path, name="after-dev")
    try:
        wait_for(
            lambda: set(statuses(sessions, in_flight).values()) == {"published"},
            timeout=60,
            what="comments in flight at SIGTERM decided",
        )
    finally:
        worker.stop()
