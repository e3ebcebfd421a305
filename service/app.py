"""The Flask application factory."""

from __future__ import annotations

import redis
from celery import Celery
from flask import Flask

from config.settings import Settings
from config.sites import SitePolicies
from service.errors import register_error_handlers
from service.services import Services
from service.storage.db import make_engine, make_session_factory
from workers.queue import make_celery


def create_app(settings: Settings, celery: Celery | None = None) -> Flask:
    """Build the web app for the given settings."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    engine = make_engine(settings.database_url)
    app.extensions["sift"] = Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        redis=redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2),
        celery=celery or make_celery(settings),
        policies=SitePolicies(settings.sites_dir),
    )
    register_error_handlers(app)

    from service.demo.routes import blueprint as demo
    from service.intake.routes import blueprint as intake
    from service.ops import blueprint as ops
    from service.public.routes import blueprint as public

    for blueprint in (ops, intake, public, demo):
        app.register_blueprint(blueprint)
    return app
