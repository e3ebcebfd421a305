"""The long-lived objects one web process shares across requests, kept in `app.extensions`."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from celery import Celery
from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from config.sites import SitePolicies
from service.intake.writer import IntakeWriter
from service.ratelimit.grouped_limit import GroupedLimit
from service.storage.site_directory import SiteDirectory


@dataclass
class Services:
    settings: Settings
    engine: Engine
    # Autocommit, no pre-ping: the intake's hot path (see storage.db.make_hot_path_engine).
    intake_engine: Engine
    intake_writer: IntakeWriter
    # Counted inside intake_writer's groups; requests refused before them count here too.
    intake_limit: GroupedLimit
    sessions: sessionmaker[Session]
    redis: redis.Redis
    celery: Celery
    policies: SitePolicies
    sites: SiteDirectory


def services() -> Services:
    """Return the current app's services."""
    found: Services = current_app.extensions["sift"]
    return found
