"""Take screenshots of the moderator queue and a comment's detail page into docs/.

    .venv/bin/python scripts/screenshots.py             # a throwaway Sift: its own database, worker and gunicorn
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000 --email E --password P

The throwaway run uses this machine's PostgreSQL and Redis when they answer on 127.0.0.1 (as the
tests do), else SQLite and the embedded Redis; it removes what it created when it ends.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support import (  # noqa: E402 - the repo root must be on the path first
    claim_redis_db,
    create_test_database,
    find_or_start_redis,
    start_gunicorn,
    start_worker,
    wait_for,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EMAIL = "moderator@example.com"
PASSWORD = "screenshots-only-password"
SAMPLES = [
    ("Ana", "Great deal on watches at http://cheap.example http://deals.example and http://more.example"),
    ("Ben", "You are a complete f.u.c.k.i.n.g idiot, and everyone reading this knows it."),
    ("Eve", "<script>alert('hi')</script> check http://a.example and http://b.example <img src=x onerror=alert(1)>"),
    ("Dan", "Call me on 555-0142 or mail dan@example.com for the real story: http://x.example http://y.example"),
]


@contextmanager
def throwaway_sift(log_dir: Path) -> Iterator[str]:
    """Start a private Sift (database, worker, gunicorn) with a demo site and an admin; yield its URL."""
    database_url, drop_database = create_test_database(log_dir)
    redis_base, stop_redis = find_or_start_redis(log_dir)
    redis_url = f"{redis_base}/{claim_redis_db(redis_base)}"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SIFT_ENV="development",
        SIFT_SECRET_KEY="screenshots-secret-key-0123456789abcdef",
        SIFT_RATE_LIMIT_INTAKE="1000/minute",
        PYTHONPATH=str(REPO),
    )
    from config.settings import Settings
    from service.storage.accounts import create_moderator, create_site
    from service.storage.db import make_engine, make_session_factory, upgrade_database

    upgrade_database(database_url)
    engine = make_engine(Settings.from_env(env).database_url)
    with make_session_factory(engine)() as session, session.begin():
        create_site(session, "demo", "Demo")
        create_moderator(session, EMAIL, "demo", role="admin", password=PASSWORD)
    engine.dispose()
    worker = start_worker(env, log_dir)
    server, base_url = start_gunicorn(env, log_dir)
    try:
        yield base_url
    finally:
        server.stop()
        worker.stop()
        import redis

        client = redis.Redis.from_url(redis_url)
        client.flushdb()
        client.close()
        stop_redis()
        drop_database()


def post_samples(base_url: str) -> None:
    """Post the sample comments and wait until the worker has decided every one."""
    status_urls = []
    for author, body in SAMPLES:
        response = httpx.post(
            f"{base_url}/v1/sites/demo/comments",
            json={"thread": "2026/11/the-week-in-politics", "body": body, "author_name": author},
            timeout=10,
        )
        response.raise_for_status()
        status_url = response.json()["status_url"]
        status_urls.append(status_url if status_url.startswith("http") else base_url + status_url)
        time.sleep(0.2)
    for url in status_urls:
        wait_for(lambda url=url: httpx.get(url, timeout=10).json()["status"] != "received", timeout=60, what=url)


def take_screenshots(base_url: str, email: str, password: str, out_dir: Path, expect_items: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base_url, viewport={"width": 1100, "height": 900})
        page.goto("/moderate/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/moderate/")

        def queue_filled() -> bool:
            page.reload()
            return page.locator(".item").count() >= expect_items

        wait_for(queue_filled, timeout=60, interval=1, what="held comments in the queue")
        page.screenshot(path=str(out_dir / "screenshot-queue.png"), full_page=True)
        page.locator(".item h2 a").first.click()
        page.wait_for_selector("#audit-title")
        page.screenshot(path=str(out_dir / "screenshot-detail.png"), full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="A running Sift to photograph (else a throwaway one is started).")
    parser.add_argument("--email", default=EMAIL)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.base_url:
        take_screenshots(args.base_url, args.email, args.password, args.out, expect_items=1)
    else:
        with tempfile.TemporaryDirectory() as temp, throwaway_sift(Path(temp)) as base_url:
            post_samples(base_url)
            take_screenshots(base_url, EMAIL, PASSWORD, args.out, expect_items=1)
    print(f"wrote {args.out / 'screenshot-queue.png'} and {args.out / 'screenshot-detail.png'}")


if __name__ == "__main__":
    main()
