"""The intake's rate limit, counted for a whole group commit in one Redis round trip (`GroupedLimit`).

Below `service.ratelimit.limits` (the per-view decorators) and `service.runtime.services` (which
holds the app's `GroupedLimit`): this module reads neither, so neither import runs back up.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import structlog
from flask import request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage
from limits.strategies import STRATEGIES, RateLimiter

from service.edge.errors import ApiError
from service.observability import metrics
from service.ratelimit.grouped_storage import GroupedRedisStorage

log = structlog.get_logger(__name__)

# A moving window counts the last N seconds exactly: no burst of twice the limit across a boundary.
STRATEGY = "moving-window"
KEY_PREFIX = "sift-limit"


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
            seconds_until(self._strategy.get_window_stats(item, *identifiers).reset_time, item)
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

    def __init__(self, scope: str, limits: Callable[[], str], storage: Callable[[], Storage]) -> None:
        self._scope = scope
        self._limits = limits
        # Flask-Limiter's storage, asked for at each hit: the limiter makes it in `init_app`, after this.
        self._storage = storage
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
        storage = self._storage()
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


def seconds_until(reset_at: float, limit: RateLimitItem) -> int:
    """Retry-After for a window that frees a slot at `reset_at`: at least 1, at most the window.

    The storage rounds reset times up to the next second; never ask for more than the window itself.
    """
    return max(1, min(limit.get_expiry(), math.ceil(reset_at - time.time())))
