"""docker-compose.yml and the Dockerfile agree with the real entry points, settings and files."""

from __future__ import annotations

import ast
import importlib
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.settings import REPO_ROOT

COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
SIFT_PROCESSES = ("api", "worker", "beat")
# No other entry point may read the environment (STYLE.md rule 1), so these are the only readers
# (service/observability/metrics.py reads PROMETHEUS_MULTIPROC_DIR, which prometheus_client itself also reads).
ENV_READERS = (REPO_ROOT / "config" / "settings.py", REPO_ROOT / "service" / "observability" / "metrics.py")
# What compose must set in production: from_env refuses to start without these.
REQUIRED_ENV = {"DATABASE_URL", "REDIS_URL", "SIFT_SECRET_KEY", "SIFT_ENV", "SIFT_SITES_DIR"}


def command_of(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def variables_read_by_settings() -> set[str]:
    """Every environment variable name config/settings.py reads."""
    names: set[str] = set()
    for path in ENV_READERS:
        for node in ast.walk(ast.parse(path.read_text())):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and re.fullmatch(r"(SIFT_[A-Z_]+|DATABASE_URL|REDIS_URL|PROMETHEUS_MULTIPROC_DIR)", node.value):
                names.add(node.value)
    return names


def test_compose_has_every_process_of_the_design() -> None:
    assert {"api", "worker", "beat", "redis", "postgres"} <= set(SERVICES)


def test_api_runs_gunicorn_on_the_wsgi_app_that_exists() -> None:
    command = command_of("api")
    assert command[:2] == ["gunicorn", "service.wsgi:app"]
    module_name, attribute = command[1].split(":")
    source = (REPO_ROOT / Path(*module_name.split("."))).with_suffix(".py").read_text()
    assert re.search(rf"^{attribute} = create_app\(", source, re.MULTILINE)
    assert importlib.util.find_spec(module_name) is not None


def test_api_runs_under_the_same_gunicorn_settings_as_sift_dev_and_the_tests() -> None:
    command = command_of("api")
    assert command[command.index("--config") + 1] == "python:config.gunicorn"
    settings = importlib.import_module("config.gunicorn")
    # Group commit needs a worker that serves several requests at once.
    assert settings.worker_class == "gevent"
    assert importlib.util.find_spec("gevent") is not None


@pytest.mark.parametrize(("service", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_processes_run_the_celery_app_that_exists(service: str, subcommand: str) -> None:
    command = command_of(service)
    assert command[:4] == ["celery", "-A", "workers.celery_app", subcommand]
    source = (REPO_ROOT / "workers" / "celery_app.py").read_text()
    assert re.search(r"^app = make_celery\(", source, re.MULTILINE)


def test_celery_app_module_builds_a_celery_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from celery import Celery

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("SIFT_ENV", "test")
    monkeypatch.setenv("SIFT_SECRET_KEY", "k" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SIFT_SITES_DIR", raising=False)
    module = importlib.reload(importlib.import_module("workers.celery_app"))
    assert isinstance(module.app, Celery)
    assert module.app.conf.task_default_queue == "sift"


def test_wsgi_module_exposes_a_flask_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from flask import Flask

    # Building the app opens no connection, so an unreachable Redis is fine here.
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("SIFT_ENV", "test")
    monkeypatch.setenv("SIFT_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("SIFT_SITES_DIR", raising=False)
    module = importlib.reload(importlib.import_module("service.wsgi"))
    assert isinstance(module.app, Flask)
    assert "intake.submit_comment" in module.app.view_functions


@pytest.mark.parametrize("service", (*SIFT_PROCESSES, "migrate"))
def test_every_variable_compose_sets_is_one_settings_reads(service: str) -> None:
    environment = SERVICES[service]["environment"]
    assert set(environment) <= variables_read_by_settings(), set(environment) - variables_read_by_settings()
    assert set(environment) >= REQUIRED_ENV
    assert environment["SIFT_ENV"] == "production"
    assert "${SIFT_SECRET_KEY:?" in environment["SIFT_SECRET_KEY"], "the secret must come from the operator"


def test_database_url_points_at_the_postgres_service() -> None:
    url = SERVICES["api"]["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql://") and "@postgres:5432/" in url
    assert SERVICES["api"]["environment"]["REDIS_URL"].startswith("redis://redis:6379/")


def test_sites_dir_is_where_the_image_puts_the_shipped_policies() -> None:
    sites_dir = SERVICES["api"]["environment"]["SIFT_SITES_DIR"]
    assert sites_dir == "/app/config/sites"
    assert "WORKDIR /app" in DOCKERFILE and "COPY config config" in DOCKERFILE
    assert (REPO_ROOT / "config" / "sites" / "_defaults.yaml").is_file()


def test_migrations_run_before_any_sift_process_starts() -> None:
    assert command_of("migrate") == ["sift", "db", "upgrade"]
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in SIFT_PROCESSES:
        assert SERVICES[service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_sift_console_script_exists() -> None:
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module_name, function = scripts["sift"].split(":")
    module = importlib.import_module(module_name)
    command = getattr(module, function)
    assert "upgrade" in command.commands["db"].commands


@pytest.mark.parametrize("service", ["api", "worker", "beat", "redis", "postgres"])
def test_every_long_running_service_has_a_healthcheck(service: str) -> None:
    healthcheck = SERVICES[service]["healthcheck"]
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL") and len(healthcheck["test"]) > 1


@pytest.mark.parametrize("service", SIFT_PROCESSES)
def test_sift_processes_wait_for_healthy_dependencies(service: str) -> None:
    depends_on = SERVICES[service]["depends_on"]
    assert depends_on["redis"]["condition"] == "service_healthy"
    others = {name: rule["condition"] for name, rule in depends_on.items() if name != "migrate"}
    assert set(others.values()) == {"service_healthy"}


def test_redis_keeps_an_append_only_file_and_never_evicts() -> None:
    command = " ".join(command_of("redis"))
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert "--appendonly yes" in command
    assert "--appendfsync everysec" in command
    assert "--maxmemory-policy noeviction" in command


def test_postgres_is_version_16_with_a_volume() -> None:
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    volumes = [volume.split(":")[0] for volume in SERVICES["postgres"]["volumes"]]
    assert set(volumes) <= set(COMPOSE["volumes"])


def test_every_named_volume_is_declared() -> None:
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith(".") or source in COMPOSE["volumes"], source


def test_sift_processes_build_from_the_one_dockerfile() -> None:
    for service in (*SIFT_PROCESSES, "migrate"):
        assert SERVICES[service]["build"] == "."
        assert SERVICES[service]["image"] == SERVICES["api"]["image"]


def test_files_the_dockerfile_copies_exist() -> None:
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO_ROOT / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    lines = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", "var", ".env"} <= ignored
    assert not ignored & {"config", "service", "workers", "pyproject.toml", "README.md"}


def test_every_sift_process_shares_one_metrics_directory_so_the_api_shows_the_workers() -> None:
    directory = SERVICES["api"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    for service in SIFT_PROCESSES:
        assert SERVICES[service]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == directory
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in SERVICES[service]["volumes"]}
        assert mounts.get(directory) == "metrics", f"{service} does not mount the shared metrics volume"
    assert "metrics" in COMPOSE["volumes"]
    assert directory in DOCKERFILE, "the image must create the directory, owned by the sift user"
