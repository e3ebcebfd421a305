"""The Flask application factory."""

from __future__ import annotations

import redis
from celery import Celery
from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from config.settings import Settings
from config.sites import SitePolicies
from service.edge.errors import register_error_handlers
from service.intake.writer import IntakeWriter
from service.ratelimit import limits
from service.ratelimit.grouped_limit import GroupedLimit
from service.runtime.services import Services
from service.storage.db import make_engine, make_hot_path_engine, make_session_factory
from service.storage.site_directory import SiteDirectory
from workers.queue import make_celery


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the signer for a request that has no session cookie.

    Only the moderators' pages use a session; sites posting comments send no cookie, yet Flask
    built a signer for each of their requests (and itsdangerous serializes a test value to build
    one): 3% of the intake's CPU under load, in a profile of the load benchmark.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(settings: Settings, celery: Celery | None = None) -> Flask:
    """Build the web app for the given settings."""
    app = Flask(__name__)
    app.session_interface = CookieSessions()
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
    intake_engine = make_hot_path_engine(settings.database_url, engine)
    broker = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    # The intake's rate limit is counted in its group commit: one round trip for the whole group.
    intake_limit = GroupedLimit("intake", lambda: settings.rate_limit_intake, lambda: limits.limiter.storage)
    intake_writer = IntakeWriter(
        intake_engine, broker, admit=lambda rows: intake_limit.acquire([row["client_ip"] for row in rows])
    )
    app.extensions["sift"] = Services(
        settings=settings,
        engine=engine,
        intake_engine=intake_engine,
        intake_writer=intake_writer,
        intake_limit=intake_limit,
        sessions=make_session_factory(engine),
        redis=broker,
        celery=celery or make_celery(settings),
        policies=SitePolicies(settings.sites_dir),
        sites=SiteDirectory(engine, settings.site_cache_seconds),
    )
    register_error_handlers(app)

    # Cross-cutting concerns first, then one blueprint per audience.
    from service.admin import routes as admin
    from service.admin import webhooks as admin_webhooks
    from service.akismet import routes as akismet
    from service.demo import routes as demo
    from service.intake import check as draft_check
    from service.intake import routes as intake
    from service.moderation import routes as moderation
    from service.moderation import ui as moderation_ui
    from service.observability import web as observability
    from service.ops import routes as ops
    from service.perspective import routes as perspective
    from service.public import reports
    from service.public import routes as public

    observability.init_app(app)
    limits.init_app(app)
    for module in (
        ops,
        intake,
        draft_check,
        public,
        reports,
        moderation,
        moderation_ui,
        admin,
        admin_webhooks,
        akismet,
        perspective,
        demo,
    ):
        app.register_blueprint(module.blueprint)
    return app
