"""The load benchmark's short version (CI): real wrk, gunicorn and workers; every phase yields its figures."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
import redis
from click.testing import CliRunner

from bench.commands import analyze_command, load_command
from tests.support import claim_redis_db


@pytest.fixture
def bench_env(service_env: dict[str, str], redis_url: str) -> Iterator[dict[str, str]]:
    base = redis_url.rsplit("/", 1)[0]
    url = f"{base}/{claim_redis_db(base)}"
    yield dict(service_env, REDIS_URL=url)
    redis.Redis.from_url(url).flushdb()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_short_load_benchmark_reports_every_figure(bench_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        load_command,
        ["--seconds", "2", "--connections", "8", "--rate", "20", "--rate-seconds", "2", "--json"],
        env=bench_env,
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    [level] = figures["throughput"]
    assert level["connections"] == 8
    assert level["floor"]["requests_per_second"] > 0
    assert level["intake"]["requests"] > 0
    assert level["intake"]["non_2xx"] == 0 and level["intake"]["socket_errors"] == 0
    assert figures["end_to_end"]["comments"] > 0 and figures["end_to_end"]["decided_per_second"] > 0
    latency = figures["latency_at_fixed_rate"]
    assert (latency["comments"], latency["errors"], latency["undecided"]) == (40, 0, 0)
    assert 0 < latency["p50_ms"] <= latency["p99_ms"]
    assert figures["machine"]["cpus"] >= 1
    assert set(figures["targets"]) == {"intake_ratio_to_floor", "decided_per_second", "decision_p99_ms"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_short_analyze_benchmark_measures_both_endpoints_without_errors(bench_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        analyze_command, ["--seconds", "2", "--connections", "8", "--json"], env=bench_env, catch_exceptions=False
    )

    assert result.exit_code == 0, result.output
    [level] = json.loads(result.output)["throughput"]
    for endpoint in ("intake", "analyze"):
        assert level[endpoint]["requests"] > 0, endpoint
        assert level[endpoint]["non_2xx"] == 0 and level[endpoint]["socket_errors"] == 0, endpoint
    assert level["ratio"] > 0
