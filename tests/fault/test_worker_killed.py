"""A worker killed with SIGKILL while comments are in flight: after it comes back, each is decided exactly once."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site
from tests.fault.conftest import decisions_per_comment, start_beat, statuses
from tests.support import start_gunicorn, start_worker, wait_for

COMMENTS = 60


@pytest.mark.slow
def test_comments_in_flight_when_the_worker_is_killed_are_each_decided_once(
    private_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    server, base_url = start_gunicorn(private_env, tmp_path, workers=2)
    worker = start_worker(private_env, tmp_path, name="doomed", concurrency=2)
    beat = start_beat(private_env, tmp_path)
    replacement = None
    try:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            ids = []
            for n in range(COMMENTS):
                answer = http.post("/v1/sites/demo/comments", json={"thread": "t", "body": f"Comment {n} in flight."})
                assert answer.status_code == 202
                ids.append(answer.json()["id"])
                if n == COMMENTS // 3:
                    # Kill the whole worker (main process and pool children) mid-burst, with no chance to clean up.
                    assert worker.process is not None
                    tree = psutil.Process(worker.process.pid)
                    for process in [*tree.children(recursive=True), tree]:
                        process.send_signal(signal.SIGKILL)
        worker.process.wait(10)  # type: ignore[union-attr]
        assert not worker.alive
        assert "received" in statuses(sessions, ids).values(), "the kill came too late to leave work in flight"

        replacement = start_worker(private_env, tmp_path, name="replacement", concurrency=2)
        wait_for(
            lambda: "received" not in statuses(sessions, ids).values(),
            timeout=90,
            interval=0.5,
            what="every comment decided after the restart",
        )
        counts = decisions_per_comment(sessions, ids)
        assert set(counts.values()) == {1}, {cid: n for cid, n in counts.items() if n != 1}
        assert set(statuses(sessions, ids).values()) == {"published"}
    finally:
        for process in (replacement, beat, worker, server):
            if process is not None:
                process.stop()
