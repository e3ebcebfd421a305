"""Perspective-compatible analyses per second against the intake, one gunicorn under the same settings.

One `gunicorn service.wsgi:app` (config/gunicorn.py: gevent workers), loaded by wrk on 127.0.0.1
in turn: `POST /v1/sites/bench/comments` (the intake: validation, rate limit, insert, enqueue) and
`POST /v1alpha1/comments:analyze?key=…` with Coral Talk's request (key lookup, rate limit per key,
scoring in the web process). No worker runs: the intake's comments wait in the queue and are
deleted at the end. The figure says what a Perspective client costs next to comment intake.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from bench.load import (
    SITE,
    LoadOptions,
    _reset_site,
    _start_gunicorn,
    _stop,
    format_machine,
    format_rate,
    machine,
    prepare_run,
)
from bench.wrk import ANALYZE_SCRIPT, POST_SCRIPT, run_wrk
from config.settings import Settings
from service.storage.accounts import get_site, issue_site_key
from service.storage.db import transaction
from service.storage.models import SiteApiKey
from workers import names

KEY_LABEL = "bench analyze"


def run_analyze_bench(settings: Settings, options: LoadOptions) -> dict[str, Any]:
    """Measure intake and analyze req/s at each wrk concurrency; return the figures."""
    env, engine, sessions, broker = prepare_run(settings, None, "SIFT_RATE_LIMIT_ANALYZE")
    with transaction(sessions) as session:
        key = issue_site_key(session, get_site(session, SITE), KEY_LABEL)
    levels = []
    with tempfile.TemporaryDirectory(prefix="sift-analyze-") as scratch:
        work = Path(scratch)
        server, base_url = _start_gunicorn("service.wsgi:app", env, options, work)
        try:
            for connections in options.connections:
                intake_url = f"{base_url}/v1/sites/{SITE}/comments"
                analyze_url = f"{base_url}/v1alpha1/comments:analyze?key={key}"
                run_wrk(analyze_url, 1, connections, work, ANALYZE_SCRIPT)  # warm-up: the model loads once
                run_wrk(intake_url, 1, connections, work, POST_SCRIPT)
                intake = run_wrk(intake_url, options.seconds, connections, work, POST_SCRIPT)
                analyze = run_wrk(analyze_url, options.seconds, connections, work, ANALYZE_SCRIPT)
                ratio = analyze.requests_per_second / intake.requests_per_second if intake.requests_per_second else 0.0
                levels.append(
                    {
                        "connections": connections,
                        "intake": asdict(intake),
                        "analyze": asdict(analyze),
                        "ratio": round(ratio, 3),
                    }
                )
        finally:
            _stop(server)
    broker.delete(names.QUEUE)
    with transaction(sessions) as session:
        session.execute(delete(SiteApiKey).where(SiteApiKey.label == KEY_LABEL))
    _reset_site(sessions)
    engine.dispose()
    return {"machine": machine(), "options": asdict(options), "throughput": levels}


def format_analyze_report(figures: dict[str, Any]) -> str:
    """Render the figures for a person."""
    lines = [format_machine(figures["machine"])]
    for level in figures["throughput"]:
        lines += [
            f"{level['connections']} connections:",
            format_rate("intake (POST comments):", level["intake"]),
            format_rate("analyze (comments:analyze):", level["analyze"]),
            f"  analyze / intake:           {level['ratio']:.2f}",
        ]
    return "\n".join(lines)
