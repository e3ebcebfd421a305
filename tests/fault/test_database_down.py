"""PostgreSQL unreachable: intake answers 503 with Retry-After, /readyz fails, and all recovers on its own."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Site
from tests.fault.conftest import decisions_per_comment, statuses
from tests.fault.tcp_proxy import CuttableProxy
from tests.support import start_gunicorn, start_worker, wait_for

COMMENT = {"thread": "t", "body": "Posted just before an outage."}
# A different text after the outage: the same text twice would be held as a duplicate.
LATER_COMMENT = {"thread": "t", "body": "And this one once the database was back, about the budget."}


@pytest.mark.slow
def test_intake_answers_503_while_the_database_is_down_and_recovers_by_itself(
    private_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    url = make_url(private_env["DATABASE_URL"])
    proxy = CuttableProxy(url.port or 5432, url.host or "127.0.0.1").start()
    env = dict(private_env, DATABASE_URL=url.set(port=proxy.port).render_as_string(hide_password=False))
    server, base_url = start_gunicorn(env, tmp_path, workers=2)
    worker = start_worker(env, tmp_path, name="db-outage", concurrency=2)
    try:
        with httpx.Client(base_url=base_url, timeout=15) as http:
            before = http.post("/v1/sites/demo/comments", json=COMMENT)
            assert before.status_code == 202

            proxy.cut()
            during = [http.post("/v1/sites/demo/comments", json=COMMENT) for _ in range(4)]
            ready = http.get("/readyz")
            thread = http.get("/v1/sites/demo/threads/t/comments")

            proxy.restore()
            after = wait_for(
                lambda: (
                    (answer := http.post("/v1/sites/demo/comments", json=LATER_COMMENT)).status_code == 202 and answer
                ),
                timeout=30,
                interval=0.5,
                what="intake accepting again",
            )
            wait_for(lambda: http.get("/readyz").status_code == 200, timeout=30, what="ready again")

        assert [answer.status_code for answer in during] == [503] * 4
        for answer in during:
            assert answer.json()["error"]["code"] == "unavailable"
            assert int(answer.headers["Retry-After"]) > 0
        assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("unavailable")
        assert thread.status_code == 503
        ids = [before.json()["id"], after.json()["id"]]
        wait_for(lambda: set(statuses(sessions, ids).values()) == {"published"}, timeout=60, what="both decided")
        assert set(decisions_per_comment(sessions, ids).values()) == {1}
        assert "Traceback" not in server.log()
    finally:
        worker.stop()
        server.stop()
        proxy.cut()
