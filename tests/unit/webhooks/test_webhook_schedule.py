"""The retry schedule and what each attempt result means, with a seeded jitter."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from service.webhooks.schedule import (
    DISABLE_AFTER,
    RETRY_DELAYS,
    AttemptResult,
    decide_outcome,
    parse_retry_after,
    retry_delay,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def failure(status: int | None = 500, **fields: object) -> AttemptResult:
    return AttemptResult(status, 12.0, **fields)  # type: ignore[arg-type]


def test_schedule_is_the_designed_one_within_twenty_percent() -> None:
    rng = random.Random(7)
    assert RETRY_DELAYS == (5, 300, 1800, 7200, 18000, 36000, 36000)
    for attempts_made, base in enumerate(RETRY_DELAYS, start=1):
        delays = [retry_delay(attempts_made, rng) for _ in range(200)]
        assert all(d is not None and base * 0.8 <= d <= base * 1.2 for d in delays)
        # The jitter really spreads retries out, rather than stampeding at one instant.
        assert max(d for d in delays if d) - min(d for d in delays if d) > base * 0.2


def test_same_seed_gives_the_same_delays() -> None:
    assert [retry_delay(n, random.Random(1)) for n in range(1, 8)] == [
        retry_delay(n, random.Random(1)) for n in range(1, 8)
    ]


def test_no_ninth_attempt() -> None:
    assert retry_delay(len(RETRY_DELAYS) + 1, random.Random(0)) is None


def test_overload_and_retry_after_push_the_next_attempt_back() -> None:
    rng = random.Random(3)
    assert retry_delay(1, rng, overloaded=True) == 60.0
    assert retry_delay(1, rng, retry_after=120) == 120.0
    assert retry_delay(1, rng, retry_after=10**9) == 86400.0


def test_success_clears_the_failure_streak() -> None:
    outcome = decide_outcome(AttemptResult(204, 5.0), 3, NOW, NOW - dt.timedelta(hours=3), random.Random(0))
    assert (outcome.state, outcome.next_attempt_at, outcome.failing_since) == ("succeeded", None, None)


def test_first_failure_retries_in_about_five_seconds_and_starts_the_streak() -> None:
    outcome = decide_outcome(failure(500), 1, NOW, None, random.Random(0))
    assert outcome.state == "failed"
    assert outcome.failing_since == NOW
    assert outcome.next_attempt_at is not None
    assert dt.timedelta(seconds=4) <= outcome.next_attempt_at - NOW <= dt.timedelta(seconds=6)


@pytest.mark.parametrize("status", [301, 302, 307, 400, 404, 500, 503])
def test_anything_but_2xx_is_a_failure(status: int) -> None:
    assert decide_outcome(failure(status), 1, NOW, None, random.Random(0)).state == "failed"


def test_gone_disables_the_endpoint() -> None:
    outcome = decide_outcome(failure(410), 1, NOW, None, random.Random(0))
    assert outcome.state == "dead"
    assert outcome.disable_reason == "the receiver answered 410 Gone"


def test_429_with_retry_after_waits_as_asked() -> None:
    outcome = decide_outcome(failure(429, retry_after=900.0), 1, NOW, None, random.Random(0))
    assert outcome.next_attempt_at == NOW + dt.timedelta(seconds=900)


def test_timeout_waits_at_least_a_minute() -> None:
    outcome = decide_outcome(failure(None, timed_out=True, error="timed out"), 1, NOW, None, random.Random(0))
    assert outcome.next_attempt_at is not None and outcome.next_attempt_at - NOW >= dt.timedelta(seconds=60)


def test_last_attempt_failing_makes_the_delivery_dead_without_disabling() -> None:
    outcome = decide_outcome(failure(500), 8, NOW, NOW - dt.timedelta(hours=27), random.Random(0))
    assert outcome.state == "dead" and outcome.disable_reason is None


def test_five_days_of_failures_disable_the_endpoint() -> None:
    outcome = decide_outcome(failure(500), 2, NOW, NOW - DISABLE_AFTER, random.Random(0))
    assert outcome.state == "dead"
    assert outcome.disable_reason == "every delivery failed for 5 days"
    almost = decide_outcome(failure(500), 2, NOW, NOW - DISABLE_AFTER + dt.timedelta(minutes=1), random.Random(0))
    assert almost.state == "failed" and almost.disable_reason is None


def test_retry_after_as_seconds_or_date() -> None:
    assert parse_retry_after("120", NOW) == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 12:02:00 GMT", NOW) == 120.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
