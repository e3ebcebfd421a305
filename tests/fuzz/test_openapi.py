"""Schemathesis against /openapi.json on real processes: every operation, every phase, never a 5xx.

The run is the one an outside fuzzer makes: `schemathesis run` (the CLI) against gunicorn serving
`service.wsgi:app`, with a real Celery worker behind it (dry runs and Akismet checks ask one), over
all four phases: examples, coverage, fuzzing and stateful. The stateful phase follows the OpenAPI
links of /openapi.json, so a comment it posted is polled with its receipt and reported, and a key,
moderator or webhook endpoint it created is read, changed and deleted by the id it got back.

Bounded so `make test` stays minutes long on two cores: a fixed number of examples per operation
and phase, and a time box for the whole run. The test fails unless at least MIN_CASES cases ran.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator
from service.storage.models import Notice, Site
from tests.support import BIN, Process, start_gunicorn, start_worker, wait_for

MIN_CASES = 10_000
# Per operation and phase. Operations with few possible inputs run out of new cases sooner, so the
# count grows slower than this number: 150 gave about 6,900 cases over the 41 operations, 300 about 12,300.
# It depends on the schema and the seed, not on how fast the machine is.
EXAMPLES_PER_OPERATION = 300
# The time box. schemathesis' own --max-time keeps fuzzing until it is spent (so the count would depend
# on the machine), so the run is bounded by the examples above and this only stops one that hangs.
MAX_SECONDS = 900
# High enough that no 429 hides the code behind a limit; tests/integration/test_limits.py tests the real ones.
UNLIMITED = "1000000/minute"
HERE = Path(__file__).parent


@pytest.fixture
def admin_token(site: Site, sessions: sessionmaker[Session]) -> str:
    """An admin of `demo`, and a notice for its admins (the only way one appears is a failing webhook)."""
    with sessions() as session, session.begin():
        created = create_moderator(session, "fuzz@example.org", "demo", role="admin", with_token=True)
        session.add(Notice(site_id=site.id, kind="webhook.endpoint_disabled", message="An endpoint kept failing."))
    assert created.token is not None
    return created.token


@pytest.fixture
def api(service_env: dict[str, str], tmp_path: Path, site: Site) -> Iterator[str]:
    """gunicorn and a worker of its own, with every rate limit raised out of the way."""
    env = dict(
        service_env,
        SIFT_RATE_LIMIT_INTAKE=UNLIMITED,
        SIFT_RATE_LIMIT_REPORTS=UNLIMITED,
        SIFT_RATE_LIMIT_MODERATION=UNLIMITED,
        SIFT_RATE_LIMIT_LOGIN=UNLIMITED,
        SIFT_RATE_LIMIT_ANALYZE=UNLIMITED,
        SIFT_RATE_LIMIT_CHECK=UNLIMITED,
    )
    worker = start_worker(env, tmp_path, name="fuzz-worker", concurrency=1)
    server, base_url = start_gunicorn(env, tmp_path, workers=2)
    try:
        wait_for(lambda: _ready(base_url), timeout=120, interval=0.5, what="gunicorn ready")
        yield base_url
    finally:
        server.stop()
        worker.stop()
        _show_server_errors(server)


def _ready(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/readyz", timeout=30).status_code == 200
    except httpx.TransportError:
        return False


def _show_server_errors(server: Process) -> None:
    errors = [line for line in server.log().splitlines() if "request.unhandled_error" in line]
    if errors:
        print(f"{len(errors)} unhandled errors in the API log; the first:\n{errors[0]}")


@pytest.mark.slow
@pytest.mark.timeout(MAX_SECONDS + 120)
def test_no_generated_request_makes_the_server_fail(
    api: str, admin_token: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "schemathesis.json"
    argv = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(HERE / "schemathesis.toml"),
        "run",
        f"{api}/openapi.json",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "not_a_server_error",
        "--header",
        f"Authorization: Bearer {admin_token}",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        "16",
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=MAX_SECONDS, cwd=tmp_path)
    print(run.stdout[-20_000:], run.stderr[-5_000:])
    summary = json.loads(report.read_text())
    cases = summary["test_cases"]
    with capsys.disabled():  # the count is the figure of this run: shown even when the test passes
        print(
            f"\nschemathesis: {cases['generated']} cases over {summary['operations']['tested']} operations "
            f"in {summary['running_time']:.0f} s, {cases['with_failures']} with failures"
        )
    assert run.returncode == 0, "schemathesis found failures (see its output above)"
    assert cases["generated"] >= MIN_CASES
