"""The moderator UI in headless Chromium against real gunicorn and Celery processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator
from service.storage.models import Site
from tests.browser.pages import MODERATOR_EMAIL, MODERATOR_PASSWORD
from tests.support import Process, start_gunicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def ui_server(service_env: dict[str, str], tmp_root: Path, worker_process: Process) -> Iterator[str]:
    """Gunicorn serving the app; each test signs in afresh, so the login limit is raised here only."""
    env = dict(service_env, SIFT_RATE_LIMIT_LOGIN="1000/minute")
    server, base_url = start_gunicorn(env, tmp_root)
    yield base_url
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, ui_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=ui_server, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def moderator(site: Site, sessions: sessionmaker[Session]) -> str:
    """An admin of the demo site with a password; returns the email."""
    with sessions() as session, session.begin():
        create_moderator(session, MODERATOR_EMAIL, "demo", role="admin", password=MODERATOR_PASSWORD)
    return MODERATOR_EMAIL
