"""`sift` commands run as a user runs them: beside a `sift dev` (its var/dev.json), or saying what to export."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.var import ensure_secret_key, write_dev_details
from service.storage.models import Moderator, Site
from tests.support import BIN


def bare_environment() -> dict[str, str]:
    """The shell of someone who exported nothing of Sift's."""
    return {key: value for key, value in os.environ.items() if not key.startswith(("SIFT_", "REDIS_", "DATABASE_"))}


def sift(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "sift"), *args], cwd=cwd, env=env or bare_environment(), capture_output=True, text=True, timeout=120
    )


def test_a_command_beside_sift_dev_reads_its_dev_json(
    tmp_path: Path, site: Site, sessions: sessionmaker[Session], database_url: str, redis_url: str
) -> None:
    var = tmp_path / "var"
    ensure_secret_key(var)
    # What `sift dev` writes (service.commands.dev), here pointing at the test database and Redis.
    write_dev_details(
        var,
        {
            "base_url": "http://127.0.0.1:8000",
            "site": "demo",
            "database_url": database_url,
            "redis_url": redis_url,
            "env": "development",
            "secret_key_file": str(var / "secret_key"),
            "var_dir": str(var),
        },
    )
    created = sift("moderators", "create", "beside@example.org", "--site", "demo", "--token", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.split()[-1].startswith("sift_mod_")
    assert "dev.json" in created.stderr
    with sessions() as session:
        assert session.scalar(select(Moderator.email).where(Moderator.email == "beside@example.org"))


def test_without_sift_dev_a_command_says_exactly_what_to_export(tmp_path: Path) -> None:
    failed = sift("moderators", "create", "a@example.org", "--site", "demo", "--token", cwd=tmp_path)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "export REDIS_URL=" in failed.stderr and "export SIFT_SECRET_KEY=" in failed.stderr
    assert str(tmp_path / "var" / "dev.json") in failed.stderr


def test_only_what_is_missing_is_asked_for(tmp_path: Path) -> None:
    env = dict(bare_environment(), REDIS_URL="redis://127.0.0.1:6379/0")
    failed = sift("moderators", "create", "a@example.org", "--site", "demo", cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert "export SIFT_SECRET_KEY=" in failed.stderr and "export REDIS_URL=" not in failed.stderr


def test_commands_on_an_unmigrated_database_say_so_in_one_line(tmp_path: Path, redis_url: str) -> None:
    env = dict(
        bare_environment(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}",
        REDIS_URL=redis_url,
        SIFT_SECRET_KEY="s" * 40,
    )
    for command in (["bench", "load", "--seconds", "1"], ["moderators", "create", "a@example.org", "--site", "demo"]):
        failed = sift(*command, cwd=tmp_path, env=env)
        assert failed.returncode == 1, failed.stdout
        assert "Traceback" not in failed.stderr
        assert failed.stderr.strip().splitlines() == [
            f"Error: the database sqlite:///{tmp_path / 'fresh.db'} is not migrated to this version: "
            "run `sift db upgrade` first"
        ]


def test_dev_json_holds_no_secret_itself_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    path = write_dev_details(tmp_path, {"secret_key_file": str(tmp_path / "secret_key")})
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text()) == {"secret_key_file": str(tmp_path / "secret_key")}
