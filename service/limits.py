"""HTTP rate limits (Flask-Limiter on Redis, moving window) and the client address behind trusted proxies.

How to apply a limit to a view (the decorator goes below the route decorator):

    from service.limits import limit_reports, limit_moderation, limit_login

    @blueprint.post("/v1/comments/<int:comment_id>/reports")
    @limit_reports
    def report_comment(comment_id: int): ...

`limit_reports` and `limit_check` key on the client address, `limit_analyze` on the site key in the
query, `limit_moderation` on the bearer token (or the browser session, else the address), and
`limit_login` on both the account named in the body and the address. The intake's limit, per client
address too, is a `GroupedLimit` (`services().intake_limit`), checked inside the intake's group
commit, for all the comments of a group in one Redis round trip.
The limits themselves come from settings (`SIFT_RATE_LIMIT_*`).

When Redis is down each process falls back to in-memory counters with the same limits (degraded: per
process instead of shared), so intake keeps accepting and a flood is still slowed; nothing answers 500.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import structlog
from flask import Flask, request, session
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import STRATEGIES, RateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from service import metrics
from service.errors import ApiError, error_response
from service.limit_storage import GroupedRedisStorage, storage_uri
from service.services import services

log = structlog.get_logger(__name__)
ViewT = TypeVar("ViewT", bound=Callable[..., Any])

# A moving window counts the last N seconds exactly: no burst of twice the limit across a boundary.
STRATEGY = "moving-window"
KEY_PREFIX = "sift-limit"


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


Hit = tuple[RateLimitItem, tuple[str, ...]]


class RateLimited(Exception):
    """A request over the limits it `refused`, counted by `strategy`."""

    def __init__(self, scope: str, strategy: RateLimiter, refused: list[Hit]) -> None:
        super().__init__(f"over the {scope} limit")
        self.scope = scope
        self._strategy = strategy
        self._refused = refused

    def answer(self) -> ApiError:
        """The 429 to answer; its Retry-After costs a round trip, so it is asked by the refused request itself."""
        seconds = max(
            _seconds_until(self._strategy.get_window_stats(item, *identifiers).reset_time, item)
            for item, identifiers in self._refused
        )
        return too_many_requests(self.scope, seconds)


class GroupedLimit:
    """A per-address limit counted for many requests in one Redis round trip: the intake's, one per app.

    Why not Flask-Limiter's decorator on the intake: the decorator counts each request with a
    script call of its own, before the view runs, and under load those calls do not group (a
    Redis round trip is short next to the time between two requests of a process; a profile found
    every one alone). That round trip and Flask-Limiter's work around it were the largest cost the
    intake added over the floor: in three paired rounds on the 2-vCPU bench VM, wrk at 16
    connections, intake / floor was 0.54-0.72 with the decorator and 0.88-0.89 with the limit
    counted inside the intake's group commit (`IntakeWriter`, whose INSERT gathers the requests anyway).
    Everything else is Flask-Limiter's: the same storage (`limiter.storage`, one shared window in
    Redis), strategy, key layout and limit notation; and, while Redis is down, the same fallback to
    counters in this process's memory, with Redis tried again after a pause that doubles up to a minute.

    Each request is counted once: `acquire` for those that reach the group, and
    `count_if_refused` for those refused before it (an invalid body, a closed site), so a flood of
    bad requests is limited too.
    """

    def __init__(self, scope: str, limits: Callable[[], str]) -> None:
        self._scope = scope
        self._limits = limits
        self._strategy = STRATEGIES[STRATEGY]
        # Made when first needed: a MemoryStorage starts a timer thread, which has no place in an import.
        self._fallback: RateLimiter | None = None
        self._failures = 0
        self._retry_storage_at = 0.0

    def acquire(self, addresses: Sequence[str]) -> list[RateLimited | None]:
        """Count one request from each address; for each, None if it is within its limits, else why not."""
        items = sorted(parse_many(self._limits()))
        hits = [(item, (KEY_PREFIX, address or "unknown", self._scope)) for address in addresses for item in items]
        strategy, allowed = self._hit(hits)
        refusals: list[RateLimited | None] = []
        for start in range(0, len(hits), len(items)):
            group = zip(hits[start : start + len(items)], allowed[start : start + len(items)], strict=True)
            refused = [hit for hit, ok in group if not ok]
            refusals.append(RateLimited(self._scope, strategy, refused) if refused else None)
        return refusals

    @contextmanager
    def count_if_refused(self, address: str) -> Iterator[None]:
        """Count a request that the block refuses (raises), and answer 429 instead if that passes its limit."""
        try:
            yield
        except Exception:
            refusal = self.acquire([address])[0]
            if refusal is not None:
                raise refusal.answer() from None
            raise

    def _hit(self, hits: list[Hit]) -> tuple[RateLimiter, list[bool]]:
        storage = limiter.storage
        if time.monotonic() >= self._retry_storage_at:
            strategy = self._strategy(storage)
            try:
                allowed = _hit_storage(storage, strategy, hits)
            except Exception as error:  # noqa: BLE001 - any storage failure: count in memory meanwhile
                self._failures += 1
                pause = min(2**self._failures, 60)
                self._retry_storage_at = time.monotonic() + pause
                log.warning("rate_limit.storage_unreachable", scope=self._scope, error=str(error), retry_in=pause)
            else:
                self._failures = 0
                return strategy, allowed
        if self._fallback is None:
            self._fallback = self._strategy(MemoryStorage())
        fallback = self._fallback
        return fallback, [fallback.hit(item, *identifiers) for item, identifiers in hits]


def _hit_storage(storage: Storage, strategy: RateLimiter, hits: list[Hit]) -> list[bool]:
    if not isinstance(storage, GroupedRedisStorage):
        return [strategy.hit(item, *identifiers) for item, identifiers in hits]
    results = storage.acquire_entries(
        [(item.key_for(*identifiers), item.amount, item.get_expiry(), 1) for item, identifiers in hits]
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [bool(result) for result in results]


def too_many_requests(scope: str, retry_after: int) -> ApiError:
    """The 429 for a request over a limit of `scope` (counted in metrics and logged)."""
    metrics.RATE_LIMITED.labels(scope=scope).inc()
    log.info("request.rate_limited", path=request.path, scope=scope, retry_after=retry_after)
    return ApiError(429, "Too many requests; try again later.", headers={"Retry-After": str(retry_after)})


def init_app(app: Flask) -> None:
    """Trust the configured proxy hops for the client address, and limit on the app's Redis."""
    settings = app.extensions["sift"].settings
    hops = settings.trusted_proxy_hops
    if hops:
        # Only X-Forwarded-For, and only as many hops as our own proxies add: an outsider's header is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)  # type: ignore[method-assign]
    # Requests of this process that reach the limiter together share one Redis round trip (limit_storage).
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri(settings.redis_url))
    # Short timeouts, so a dead Redis costs a request one second once, not a hang; then the fallback takes over.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
    limiter.init_app(app)
    # _ViewLimiter skips the before-request pass, which is where these would be checked.
    if limiter.limit_manager.default_limits or limiter.limit_manager.application_limits:
        raise RuntimeError("Sift's rate limits are per view; declare them with a decorator from service.limits")

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
    return _seconds_until(current.reset_at, current.limit)


def _seconds_until(reset_at: float, limit: RateLimitItem) -> int:
    """Retry-After for a window that frees a slot at `reset_at`: at least 1, at most the window.

    The storage rounds reset times up to the next second; never ask for more than the window itself.
    """
    return max(1, min(limit.get_expiry(), math.ceil(reset_at - time.time())))


def _scope_of(error: RateLimitExceeded) -> str:
    scope = getattr(error.limit, "scope", "") or ""
    return scope if isinstance(scope, str) and scope else "other"
