"""Fixtures on real services: PostgreSQL (else SQLite), Redis (else the embedded server), Celery."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from config.settings import REPO_ROOT, Settings
from service.storage.accounts import create_site
from service.storage.db import make_engine, make_session_factory, upgrade_database
from service.storage.models import Base, Site
from tests.support import Process, claim_redis_db, create_test_database, find_or_start_redis, start_worker

DATA_DIR = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sift")


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> Iterator[str]:
    url, drop = create_test_database(tmp_root)
    upgrade_database(url)
    yield url
    drop()


@pytest.fixture(scope="session")
def redis_url(tmp_root: Path) -> Iterator[str]:
    base, stop = find_or_start_redis(tmp_root)
    number = claim_redis_db(base)
    url = f"{base}/{number}"
    yield url
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    stop()


@pytest.fixture(scope="session")
def sites_dir(tmp_root: Path) -> Path:
    """A sites directory for tests: the shipped defaults plus sites tests write into it."""
    directory = tmp_root / "sites"
    directory.mkdir()
    (directory / "_defaults.yaml").write_text((REPO_ROOT / "config" / "sites" / "_defaults.yaml").read_text())
    return directory


@pytest.fixture(scope="session")
def service_env(database_url: str, redis_url: str, sites_dir: Path) -> dict[str, str]:
    """The environment every process under test gets, as an operator would set it."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SIFT_ENV="test",
        SIFT_SECRET_KEY="test-secret-key-0123456789abcdef0123456789",
        SIFT_SITES_DIR=str(sites_dir),
        SIFT_SWEEP_AFTER_SECONDS="2",
        SIFT_SWEEP_INTERVAL_SECONDS="1",
        # Tests re-create the same site names with new ids many times a second; production never does.
        SIFT_SITE_CACHE_SECONDS="0",
        SIFT_WEBHOOK_ALLOW_LOOPBACK_SITES="demo",
        # Tests post many comments from one address; tests/integration/test_limits.py checks the real limits.
        SIFT_RATE_LIMIT_INTAKE="100000/minute",
        PYTHONPATH=str(REPO_ROOT),
    )
    return env


@pytest.fixture(scope="session")
def settings(service_env: dict[str, str]) -> Settings:
    return Settings.from_env(service_env)


@pytest.fixture(scope="session")
def session_factory(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings.database_url))


@pytest.fixture(scope="session")
def redis_client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def clean(session_factory: sessionmaker[Session], redis_client: redis.Redis) -> None:
    """Empty every table and the test Redis database before the test."""
    with session_factory() as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    # Keep kombu's queue bindings: without them a running worker's queue stops receiving.
    doomed = [
        key for key in redis_client.scan_iter(count=1000) if not key.startswith((b"_kombu.binding.", b"sift-test:"))
    ]
    for start in range(0, len(doomed), 500):
        redis_client.delete(*doomed[start : start + 500])


@pytest.fixture
def sessions(clean: None, session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    return session_factory


@pytest.fixture
def site(sessions: sessionmaker[Session]) -> Site:
    """The `demo` site, freshly created."""
    with sessions() as session, session.begin():
        return create_site(session, "demo", "Demo")


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    from service.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app: Flask, clean: None) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def worker_process(service_env: dict[str, str], tmp_root: Path) -> Iterator[Process]:
    worker = start_worker(service_env, tmp_root)
    yield worker
    worker.stop()


@pytest.fixture
def worker(worker_process: Process, clean: None) -> Process:
    """A real Celery worker consuming this test session's queue."""
    assert worker_process.alive, worker_process.log()
    return worker_process


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Run quick tests first so a broken basic fails fast."""
    items.sort(
        key=lambda item: (item.get_closest_marker("browser") is not None, item.get_closest_marker("slow") is not None)
    )
