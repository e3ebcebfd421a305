"""Per-process resources of a worker, opened lazily after fork and kept for the process's life."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import redis
from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from config.sites import SitePolicies
from service.storage.db import make_engine, make_session_factory


@dataclass
class Resources:
    settings: Settings
    sessions: sessionmaker[Session]
    redis: redis.Redis
    policies: SitePolicies


@functools.cache
def _build(settings: Settings) -> Resources:
    return Resources(
        settings=settings,
        sessions=make_session_factory(make_engine(settings.database_url)),
        redis=redis.Redis.from_url(settings.redis_url),
        policies=SitePolicies(settings.sites_dir),
    )


def resources_for(app: Celery) -> Resources:
    """Return this process's resources for the Celery app's settings."""
    settings: Settings = app.conf.sift_settings
    return _build(settings)
