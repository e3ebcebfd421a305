"""The limiter's grouped Redis storage (service.ratelimit.grouped_storage) on real Redis: one shared window, exactly."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import redis
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from service.ratelimit.grouped_storage import GroupedRedisStorage, storage_uri


def test_the_app_url_selects_the_grouped_storage(redis_url: str) -> None:
    assert isinstance(storage_from_string(storage_uri(redis_url)), GroupedRedisStorage)
    assert storage_uri("unix:///run/redis.sock") == "unix:///run/redis.sock"


def test_concurrent_hits_get_exactly_the_limit_and_the_rest_are_refused(redis_url: str) -> None:
    storage = storage_from_string(storage_uri(redis_url))
    limiter = MovingWindowRateLimiter(storage)
    limit = RateLimitItemPerMinute(25)
    key = f"test-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=16) as pool:
        allowed = list(pool.map(lambda _: limiter.hit(limit, key), range(100)))
    assert allowed.count(True) == 25
    assert limiter.get_window_stats(limit, key).remaining == 0
    storage.clear(limit.key_for(key))


def test_a_group_still_counts_after_redis_forgets_its_scripts(redis_url: str) -> None:
    storage = storage_from_string(storage_uri(redis_url))
    assert isinstance(storage, GroupedRedisStorage)
    limit, client = RateLimitItemPerMinute(2), f"test-{uuid.uuid4().hex}"
    redis.Redis.from_url(redis_url).script_flush()
    # Three requests that reached the limiter together, against a limit of two a minute.
    assert storage.acquire_entries([(limit.key_for(client), 2, 60, 1)] * 3) == [True, True, False]
    # The same window the one-at-a-time path reads.
    assert MovingWindowRateLimiter(storage).get_window_stats(limit, client).remaining == 0
    storage.clear(limit.key_for(client))
