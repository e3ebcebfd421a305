"""End-to-end fixtures: gunicorn and a Celery worker as real processes, driven over HTTP with httpx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.storage.models import Site
from tests.support import Process, start_gunicorn, wait_for


@pytest.fixture(scope="session")
def api_url(service_env: dict[str, str], tmp_root: Path) -> Iterator[str]:
    """`gunicorn service.wsgi:app` on a free loopback port, as an operator starts it."""
    server, base_url = start_gunicorn(service_env, tmp_root)

    def ready() -> bool:
        # The port opens before the workers have imported the app; on a busy machine that takes a while.
        try:
            return httpx.get(f"{base_url}/readyz", timeout=30).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(ready, timeout=120, interval=0.5, what="gunicorn ready")
    yield base_url
    server.stop()


@pytest.fixture
def http(api_url: str, site: Site, worker: Process) -> Iterator[httpx.Client]:
    """An HTTP client on the running API, with the demo site created and a worker consuming."""
    with httpx.Client(base_url=api_url, timeout=60, follow_redirects=False) as client:
        yield client
