"""The Flask application factory."""

from __future__ import annotations

import importlib
from types import ModuleType

import redis
from celery import Celery
from flask import Flask

from config.settings import Settings
from config.sites import SitePolicies
from service.errors import register_error_handlers
from service.services import Services
from service.storage.db import make_engine, make_session_factory
from service.storage.site_directory import SiteDirectory
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
        sites=SiteDirectory(engine),
    )
    register_error_handlers(app)

    for module_name in _EXTENSIONS:
        module = _import_optional(module_name)
        if module is not None:
            module.init_app(app)
    for module_name in _BLUEPRINTS:
        module = _import_optional(module_name)
        if module is not None:
            app.register_blueprint(module.blueprint)
    return app


# Modules with `init_app(app)`: cross-cutting concerns, set up before the routes.
_EXTENSIONS = ("service.observability", "service.limits")
# Modules with a `blueprint`, one package per audience.
_BLUEPRINTS = (
    "service.ops",
    "service.intake.routes",
    "service.public.routes",
    "service.public.reports",
    "service.moderation.routes",
    "service.moderation.ui",
    "service.admin.routes",
    "service.admin.webhooks",
    "service.akismet.routes",
    "service.demo.routes",
)


def _import_optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        return None
