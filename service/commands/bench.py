"""`sift bench`: run the benchmarks in bench/ (shipped beside the product) as subprocesses.

Why a subprocess rather than an import: bench/ consumes the product (it starts gunicorn and workers,
creates sites, reads the filters), so the product must never import it, or the two import each other.
`sift bench [--quick]` runs `python -m bench.filters [--quick]`; `sift bench load ARGS` and
`sift bench analyze ARGS` run `python -m bench.commands load|analyze ARGS`, whose options (and
`--help`) are defined there. The benchmark's output, errors and exit status are the command's own.
"""

from __future__ import annotations

import subprocess
import sys

import click

# Everything after the subcommand, --help included, goes to the benchmark's own command line.
_FORWARDED = {"context_settings": {"ignore_unknown_options": True, "allow_extra_args": True}, "add_help_option": False}


def run_benchmark(module: str, arguments: tuple[str, ...] | list[str]) -> None:
    """Run `python -m module arguments` with this interpreter and exit with its status."""
    status = subprocess.run([sys.executable, "-m", module, *arguments], check=False).returncode
    if status:
        raise SystemExit(status)


@click.group("bench", invoke_without_command=True)
@click.option("--quick", is_flag=True, help="Fewer repetitions (a rough figure in seconds).")
@click.pass_context
def bench_command(context: click.Context, quick: bool) -> None:
    """Time the filters in-process; `sift bench load` and `sift bench analyze` load the real service."""
    if context.invoked_subcommand is not None:
        return
    run_benchmark("bench.filters", ["--quick"] if quick else [])


@bench_command.command("load", **_FORWARDED)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def load_command(arguments: tuple[str, ...]) -> None:
    """Measure intake req/s against the bare floor, decided comments/s, and decision latency (--help: options)."""
    run_benchmark("bench.commands", ["load", *arguments])


@bench_command.command("drain", **_FORWARDED)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def drain_command(arguments: tuple[str, ...]) -> None:
    """Measure the workers alone: decided/s, CPU per decided comment, against a no-op drain (--help: options)."""
    run_benchmark("bench.commands", ["drain", *arguments])


@bench_command.command("analyze", **_FORWARDED)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def analyze_command(arguments: tuple[str, ...]) -> None:
    """Measure Perspective-compatible analyses/s against intake req/s (--help: options)."""
    run_benchmark("bench.commands", ["analyze", *arguments])
