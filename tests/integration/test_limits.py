"""HTTP rate limits on the real Redis: per address at intake, per token, per account, and with Redis down."""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask, jsonify
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from service.ratelimit.grouped_limit import KEY_PREFIX
from service.ratelimit.grouped_storage import storage_uri
from service.ratelimit.limits import limit_login, limit_moderation
from service.storage.accounts import create_site
from service.storage.models import Comment, Site
from tests.fault.tcp_proxy import CuttableProxy
from tests.support import free_port, start_gunicorn

COMMENT = {"thread": "article-1", "body": "A measured reply."}


def limited_app(settings: Settings, **changes: object) -> Flask:
    from service.app import create_app

    values: dict[str, object] = {
        "rate_limit_intake": "3/minute",
        "rate_limit_moderation": "2/minute",
        "rate_limit_login": "2/minute",
    }
    values.update(changes)
    app = create_app(dataclasses.replace(settings, **values))  # type: ignore[arg-type]

    @app.get("/test/moderation")
    @limit_moderation
    def moderation_view():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    @app.post("/test/login")
    @limit_login
    def login_view():  # type: ignore[no-untyped-def]
        return jsonify(ok=True)

    return app


def stored_comments(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Comment)) or 0)


def test_intake_answers_429_with_retry_after_once_an_address_passes_its_limit(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    client = limited_app(settings).test_client()
    for _ in range(3):
        assert client.post("/v1/sites/demo/comments", json=COMMENT).status_code == 202

    refused = client.post("/v1/sites/demo/comments", json=COMMENT)

    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert stored_comments(sessions) == 3
    other_reader = client.post("/v1/sites/demo/comments", json=COMMENT, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other_reader.status_code == 202


def test_refused_requests_count_against_the_limit_too(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    client = limited_app(settings).test_client()
    invalid = [client.post("/v1/sites/demo/comments", json={"thread": "article-1"}).status_code for _ in range(3)]
    unknown_site = client.post("/v1/sites/no-such-site/comments", json=COMMENT)
    valid = client.post("/v1/sites/demo/comments", json=COMMENT)

    assert invalid == [422, 422, 422]
    # A bot probing with bad bodies is limited as a reader posting good ones would be.
    assert unknown_site.status_code == 429 and valid.status_code == 429
    assert 1 <= int(valid.headers["Retry-After"]) <= 60
    assert stored_comments(sessions) == 0


def delete_site(sessions: sessionmaker[Session], site_id: int) -> None:
    """Delete a site, again if PostgreSQL chose this transaction as a deadlock's victim.

    The session's worker may be deciding the comment just posted (its row locked) while the
    cascade deletes it; PostgreSQL then aborts one of the two, and either may be this one.
    """
    for attempt in range(5):
        try:
            with sessions() as session, session.begin():
                doomed = session.get(Site, site_id)
                if doomed is not None:
                    session.delete(doomed)
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.2)


def post_after_the_cached_site_is_recreated(
    settings: Settings, site: Site, sessions: sessionmaker[Session], limit: str
) -> tuple[int, int]:
    """Post once (the site is cached), delete and re-create the site, post again: the two statuses."""
    client = limited_app(settings, rate_limit_intake=limit, site_cache_seconds=300).test_client()
    first = client.post("/v1/sites/demo/comments", json=COMMENT).status_code
    delete_site(sessions, site.id)
    with sessions() as session, session.begin():
        create_site(session, "demo", "Demo again")
    # The cached id is gone: the INSERT fails, the site is read again and the comment stored again.
    return first, client.post("/v1/sites/demo/comments", json=COMMENT).status_code


def test_a_site_recreated_behind_the_cache_is_read_again(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    assert post_after_the_cached_site_is_recreated(settings, site, sessions, "10/minute") == (202, 202)
    assert stored_comments(sessions) == 1  # the first went with the deleted site


def test_the_failed_insert_counts_so_its_retry_may_be_refused_with_429(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    # 1 for the first comment, 1 for the failed INSERT: the retry is the third (it was a 500 once).
    assert post_after_the_cached_site_is_recreated(settings, site, sessions, "2/minute") == (202, 429)
    assert stored_comments(sessions) == 0


def test_forwarded_for_from_an_outsider_does_not_escape_the_limit(settings: Settings, site: Site) -> None:
    client = limited_app(settings, trusted_proxy_hops=0).test_client()
    answers = [
        client.post("/v1/sites/demo/comments", json=COMMENT, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(5)
    ]
    assert answers == [202, 202, 202, 429, 429]


def test_address_comes_from_the_trusted_proxy_hop_only(
    settings: Settings, site: Site, sessions: sessionmaker[Session]
) -> None:
    client = limited_app(settings, trusted_proxy_hops=1).test_client()
    # The outsider wrote "10.9.9.9"; our one proxy appended the address it really saw.
    response = client.post("/v1/sites/demo/comments", json=COMMENT, headers={"X-Forwarded-For": "10.9.9.9, 192.0.2.44"})
    assert response.status_code == 202
    with sessions() as session:
        assert session.scalar(select(Comment.client_ip).where(Comment.id == response.json["id"])) == "192.0.2.44"


def test_moderation_limit_is_per_token(settings: Settings, site: Site) -> None:
    client = limited_app(settings).test_client()
    first = {"Authorization": "Bearer token-of-moderator-one"}
    second = {"Authorization": "Bearer token-of-moderator-two"}
    assert [client.get("/test/moderation", headers=first).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/test/moderation", headers=second).status_code == 200


def test_login_limit_is_per_account_across_addresses_and_per_address_across_accounts(
    settings: Settings, site: Site
) -> None:
    client = limited_app(settings).test_client()

    def login(email: str, address: str) -> int:
        return client.post("/test/login", json={"email": email}, environ_base={"REMOTE_ADDR": address}).status_code

    assert [login("ana@example.org", f"198.51.100.{n}") for n in range(3)] == [200, 200, 429]
    assert [login(f"user{n}@example.org", "192.0.2.10") for n in range(3)] == [200, 200, 429]
    assert login("bob@example.org", "192.0.2.99") == 200


def test_429_body_is_the_json_error_shape(settings: Settings, site: Site) -> None:
    client = limited_app(settings).test_client()
    for _ in range(3):
        client.post("/v1/sites/demo/comments", json=COMMENT)
    refused = client.post("/v1/sites/demo/comments", data={"thread": "t", "body": "b"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    assert set(refused.json["error"]) >= {"code", "message"}


def test_intake_limit_counts_in_memory_while_redis_is_unreachable_then_in_redis_again(
    settings: Settings, site: Site, sessions: sessionmaker[Session], redis_url: str
) -> None:
    parts = urlsplit(redis_url)
    proxy = CuttableProxy(parts.port or 6379).start()
    proxied = f"redis://127.0.0.1:{proxy.port}{parts.path}"
    client = limited_app(settings, redis_url=proxied, rate_limit_intake="2/minute").test_client()
    address = "198.51.100.23"

    def post_three() -> list[int]:
        return [
            client.post("/v1/sites/demo/comments", json=COMMENT, environ_base={"REMOTE_ADDR": address}).status_code
            for _ in range(3)
        ]

    try:
        proxy.cut()
        while_down = post_three()
        proxy.restore()
        time.sleep(2.2)  # the first failure pauses the Redis counters for two seconds
        after = post_three()
    finally:
        proxy.cut()
        # Flask-Limiter's extension is one per process and follows the last app made: back to the test Redis.
        limited_app(settings)

    # Limited in this process's memory while Redis was unreachable (and the comments still stored)...
    assert while_down == [202, 202, 429]
    # ...then in Redis again: its shared window, empty while it was down, now holds this address's two.
    assert after == [202, 202, 429]
    window = MovingWindowRateLimiter(storage_from_string(storage_uri(redis_url)))
    assert window.get_window_stats(RateLimitItemPerMinute(2), KEY_PREFIX, address, "intake").remaining == 0
    assert stored_comments(sessions) == 4


@pytest.mark.slow
def test_intake_keeps_accepting_and_limiting_while_redis_is_down(
    service_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_root: object
) -> None:
    # Redis "down": nothing listens on this port. The database is up.
    env = dict(service_env, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", SIFT_RATE_LIMIT_INTAKE="4/minute")
    server, base_url = start_gunicorn(env, tmp_root, workers=1)  # type: ignore[arg-type]
    try:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            answers = [http.post("/v1/sites/demo/comments", json=COMMENT).status_code for _ in range(6)]
            ready = http.get("/readyz")
    finally:
        server.stop()
    # Accepted (the sweeper enqueues them once Redis is back), then limited in memory, never a 500.
    assert answers == [202, 202, 202, 202, 429, 429]
    assert stored_comments(sessions) == 4
    assert ready.status_code == 503 and ready.json()["checks"]["redis"].startswith("unavailable")


@pytest.mark.slow
def test_requests_arriving_together_in_one_process_get_exactly_the_limit(
    service_env: dict[str, str], site: Site, sessions: sessionmaker[Session], tmp_root: object
) -> None:
    # One gevent worker serves them all at once: their limiter calls and INSERTs go to Redis and
    # PostgreSQL in groups, and the shared window must still count each of them.
    env = dict(service_env, SIFT_RATE_LIMIT_INTAKE="12/minute")
    server, base_url = start_gunicorn(env, tmp_root, workers=1)  # type: ignore[arg-type]
    try:

        def post(_: int) -> int:
            with httpx.Client(base_url=base_url, timeout=30) as http:
                return http.post("/v1/sites/demo/comments", json=COMMENT).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(post, range(40)))
    finally:
        server.stop()
    assert sorted(answers) == [202] * 12 + [429] * 28
    assert stored_comments(sessions) == 12
