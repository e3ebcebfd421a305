"""When to try a webhook delivery again, and what an attempt's result means: pure, no I/O."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass

# Seconds to wait after each failed attempt (DESIGN.md "Webhooks", the Svix schedule): attempt 1 is
# immediate, so a delivery gets 8 attempts over about 27.6 hours before it is dead.
RETRY_DELAYS: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = 0.2
# After a timeout or a 429 the receiver is overloaded: never come back sooner than this (as Svix does).
OVERLOAD_MIN_DELAY = 60.0
# A Retry-After beyond a day is more likely a bug on the receiver's side than a plan; cap it.
MAX_RETRY_AFTER = 86400.0
# An endpoint whose every attempt has failed for this long is disabled and its site told.
DISABLE_AFTER = dt.timedelta(days=5)

SUCCEEDED = "succeeded"
FAILED = "failed"
DEAD = "dead"


def retry_delay(
    attempts_made: int, rng: random.Random, *, retry_after: float | None = None, overloaded: bool = False
) -> float | None:
    """Return seconds until the next attempt after `attempts_made` failures, or None when out of attempts."""
    if attempts_made < 1 or attempts_made > len(RETRY_DELAYS):
        return None
    delay = RETRY_DELAYS[attempts_made - 1] * rng.uniform(1 - JITTER, 1 + JITTER)
    if overloaded:
        delay = max(delay, OVERLOAD_MIN_DELAY)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Read a Retry-After header (seconds or an HTTP date) as seconds from now; None if absent or malformed."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class AttemptResult:
    """What one HTTP attempt gave: a status code, or an error (refused, timed out, connection failed)."""

    status_code: int | None
    latency_ms: float
    response_excerpt: str = ""
    error: str = ""
    timed_out: bool = False
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Outcome:
    """The delivery's next state, and what happens to its endpoint."""

    state: str
    next_attempt_at: dt.datetime | None
    failing_since: dt.datetime | None
    disable_reason: str | None = None


def decide_outcome(
    result: AttemptResult,
    attempts_made: int,
    now: dt.datetime,
    failing_since: dt.datetime | None,
    rng: random.Random,
) -> Outcome:
    """Turn an attempt's result into the delivery's next state and the endpoint's health."""
    if result.succeeded:
        return Outcome(SUCCEEDED, None, None)
    failing_since = failing_since or now
    if result.status_code == 410:
        return Outcome(DEAD, None, failing_since, "the receiver answered 410 Gone")
    disable_reason = None
    if now - failing_since >= DISABLE_AFTER:
        days = (now - failing_since).days
        disable_reason = f"every delivery failed for {days} days"
    overloaded = result.timed_out or result.status_code == 429
    delay = retry_delay(attempts_made, rng, retry_after=result.retry_after, overloaded=overloaded)
    if delay is None or disable_reason is not None:
        return Outcome(DEAD, None, failing_since, disable_reason)
    return Outcome(FAILED, now + dt.timedelta(seconds=delay), failing_since)
