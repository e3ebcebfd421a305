"""`sift bench load` and `sift bench analyze`: the HTTP load benchmarks (bench/load.py, bench/analyze.py).

`sift bench load ARGS` runs `python -m bench.commands load ARGS` (see service/commands/bench.py): the
options and their help live here, beside the benchmarks, which import the product and never the reverse.
"""

from __future__ import annotations

import json

import click


@click.command("load")
@click.option("--seconds", default=10.0, show_default=True, help="How long wrk loads each endpoint.")
@click.option(
    "--connections",
    multiple=True,
    type=int,
    default=(16, 64),
    show_default=True,
    help="wrk connections; repeat to measure floor and intake at each (the target is judged at the highest).",
)
@click.option("--gunicorn-workers", default=2, show_default=True, help="gunicorn workers, floor and API alike.")
@click.option("--celery-workers", default=2, show_default=True, help="Independent worker processes (solo pool).")
@click.option(
    "--rate", "offered_rate", default=100.0, show_default=True, help="Comments/s offered in the latency phase."
)
@click.option("--rate-seconds", default=20.0, show_default=True, help="How long the latency phase offers comments.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
def load_command(
    seconds: float,
    connections: tuple[int, ...],
    gunicorn_workers: int,
    celery_workers: int,
    offered_rate: float,
    rate_seconds: float,
    as_json: bool,
) -> None:
    """Measure intake req/s against the bare floor, decided comments/s, and decision latency at a fixed rate."""
    from bench.load import LoadOptions, format_report, run_load
    from service.commands.settings import load_settings, require_current_schema

    options = LoadOptions(
        seconds=seconds,
        connections=connections,
        gunicorn_workers=gunicorn_workers,
        celery_workers=celery_workers,
        offered_rate=offered_rate,
        rate_seconds=rate_seconds,
    )
    settings = load_settings()
    require_current_schema(settings)
    try:
        figures = run_load(settings, options)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(figures, indent=2) if as_json else format_report(figures))


@click.command("analyze")
@click.option("--seconds", default=10.0, show_default=True, help="How long wrk loads each endpoint.")
@click.option("--connections", multiple=True, type=int, default=(16, 64), show_default=True, help="wrk connections.")
@click.option("--gunicorn-workers", default=2, show_default=True, help="gunicorn workers.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
def analyze_command(seconds: float, connections: tuple[int, ...], gunicorn_workers: int, as_json: bool) -> None:
    """Measure Perspective-compatible analyses/s against intake req/s on the same gunicorn."""
    from bench.analyze import format_analyze_report, run_analyze_bench
    from bench.load import LoadOptions
    from service.commands.settings import load_settings

    options = LoadOptions(seconds=seconds, connections=connections, gunicorn_workers=gunicorn_workers)
    try:
        figures = run_analyze_bench(load_settings(), options)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(figures, indent=2) if as_json else format_analyze_report(figures))


@click.command("drain")
@click.option("--comments", default=3000, show_default=True, help="Received comments queued for the workers.")
@click.option("--workers", default=2, show_default=True, help="Independent worker processes (solo pool).")
@click.option(
    "--group", default=16, show_default=True, help="Comments per LPUSH, as the intake's group commit queues them."
)
@click.option("--noop-tasks", default=5000, show_default=True, help="No-op Celery tasks drained for the ceiling.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
def drain_command(comments: int, workers: int, group: int, noop_tasks: int, as_json: bool) -> None:
    """Measure the workers alone: decided comments/s and CPU per decided comment, against a no-op Celery drain."""
    from bench.drain import DrainOptions, format_drain_report, run_drain
    from service.commands.settings import load_settings, require_current_schema

    settings = load_settings()
    require_current_schema(settings)
    options = DrainOptions(comments=comments, workers=workers, group=group, noop_tasks=noop_tasks)
    try:
        figures = run_drain(settings, options)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(figures, indent=2) if as_json else format_drain_report(figures))


@click.group()
def main() -> None:
    """The HTTP load benchmarks."""


main.add_command(load_command)
main.add_command(analyze_command)
main.add_command(drain_command)

if __name__ == "__main__":
    main(prog_name="sift bench")
