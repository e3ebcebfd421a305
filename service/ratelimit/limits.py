"""HTTP rate limits (Flask-Limiter on Redis, moving window) and the client address behind trusted proxies.

How to apply a limit to a view (the decorator goes below the route decorator):

    from service.ratelimit.limits import limit_reports, limit_moderation, limit_login

    @blueprint.post("/v1/comments/<int:comment_id>/reports")
    @limit_reports
    def report_comment(comment_id: int): ...

`limit_reports` and `limit_check` key on the client address, `limit_analyze` on the site key in the
query, `limit_moderation` on the bearer token (or the browser session, else the address), and
`limit_login` on both the account named in the body and the address. The intake's limit, per client
address too, is a `GroupedLimit` (`service.ratelimit.grouped_limit`, `services().intake_limit`),
checked inside the intake's group commit, for all the comments of a group in one Redis round trip.
The limits themselves come from settings (`SIFT_RATE_LIMIT_*`).

When Redis is down each process falls back to in-memory counters with the same limits (degraded: per
process instead of shared), so intake keeps accepting and a flood is still slowed; nothing answers 500.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, request, session
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.middleware.proxy_fix import ProxyFix

from service.edge.errors import ApiError, error_response
from service.ratelimit.grouped_limit import KEY_PREFIX, STRATEGY, seconds_until, too_many_requests
from service.ratelimit.grouped_storage import storage_uri
from service.runtime.services import services

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def client_address() -> str:
    """Return the client's address; ProxyFix has already applied the trusted hops, if any."""
    return request.remote_addr or "unknown"


def token_or_session_key() -> str:
    """Key moderation limits on who is calling: a hash of the bearer token, else the session, else the address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        # A hash, so raw tokens never sit in Redis keys.
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    moderator = session.get("moderator_id") if session else None
    if moderator is not None:
        return f"moderator:{moderator}"
    return "address:" + client_address()


def login_account_key() -> str:
    """Key login limits on the account named in the body (JSON or form), so one address cannot spray accounts."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = ""
    if isinstance(data, dict) or hasattr(data, "get"):
        value = data.get("email", "")  # type: ignore[union-attr]
        email = value.strip().lower() if isinstance(value, str) else ""
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def query_key_hash() -> str:
    """Key the Perspective-compatible limit on the `key` query parameter (a site key), hashed like tokens."""
    key = request.args.get("key", "").strip()
    if not key:
        return "address:" + client_address()
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def _analyze_limits() -> str:
    return services().settings.rate_limit_analyze


def _check_limits() -> str:
    return services().settings.rate_limit_check


def _report_limits() -> str:
    return services().settings.rate_limit_reports


def _moderation_limits() -> str:
    return services().settings.rate_limit_moderation


def _login_limits() -> str:
    return services().settings.rate_limit_login


class _ViewLimiter(Limiter):
    """Flask-Limiter with only per-view limits: no pass over every request before the view runs.

    Flask-Limiter checks each request twice: once in a `before_request` hook, for default,
    application and meta limits, and again in the view's decorator, for the view's own limits.
    We declare only the decorators' limits (none of the others; `init_app` refuses them), so
    the first pass can only ever find nothing, yet it resolved and filtered the limits of every
    request: about 80 µs of CPU per request. The decorator's pass is unchanged, including the
    fallback to memory and the recovery check while Redis is down.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware:
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


limiter = _ViewLimiter(
    key_func=client_address,
    strategy=STRATEGY,
    in_memory_fallback_enabled=True,
    # A last resort: if even the fallback fails, let the request through rather than answer 500.
    swallow_errors=True,
    headers_enabled=False,
    key_prefix=KEY_PREFIX,
)

limit_reports = limiter.limit(_report_limits, scope="reports")
limit_moderation = limiter.limit(_moderation_limits, key_func=token_or_session_key, scope="moderation")
limit_analyze = limiter.limit(_analyze_limits, key_func=query_key_hash, scope="analyze")
limit_check = limiter.limit(_check_limits, scope="check")
limit_login_by_address = limiter.limit(_login_limits, scope="login-address")
limit_login_by_account = limiter.limit(_login_limits, key_func=login_account_key, scope="login-account")


def limit_login(view: ViewT) -> ViewT:
    """Limit a login view per address and per account."""
    return cast(ViewT, limit_login_by_address(limit_login_by_account(view)))


def init_app(app: Flask) -> None:
    """Trust the configured proxy hops for the client address, and limit on the app's Redis."""
    settings = app.extensions["sift"].settings
    hops = settings.trusted_proxy_hops
    if hops:
        # Only X-Forwarded-For, and only as many hops as our own proxies add: an outsider's header is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)  # type: ignore[method-assign]
    # Requests of this process that reach the limiter together share one Redis round trip (grouped_storage).
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(settings.redis_url))
    # Short timeouts, so a dead Redis costs a request one second once, not a hang; then the fallback takes over.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
    limiter.init_app(app)
    # _ViewLimiter skips the before-request pass, which is where these would be checked.
    if limiter.limit_manager.default_limits or limiter.limit_manager.application_limits:
        raise RuntimeError(
            "Sift's rate limits are per view; declare them with a decorator from service.ratelimit.limits"
        )

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
        return error_response(refusal_for(error))


def refusal_for(error: RateLimitExceeded) -> ApiError:
    """The 429 for a request a decorator's limit refused (counted in metrics, with its Retry-After)."""
    return too_many_requests(_scope_of(error), _seconds_until_reset())


def _seconds_until_reset() -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    return seconds_until(current.reset_at, current.limit)


def _scope_of(error: RateLimitExceeded) -> str:
    scope = getattr(error.limit, "scope", "") or ""
    return scope if isinstance(scope, str) and scope else "other"
