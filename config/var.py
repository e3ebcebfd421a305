"""The var directory: where `sift dev` keeps its database, Redis data, logs, secret and `dev.json`.

It is `SIFT_VAR_DIR` when set, else `./var` in the working directory (never beside the installed
code, which may be a read-only site-packages). Commands run beside a running `sift dev` read its
settings from `dev.json` there.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

SECRET_KEY_FILE = "secret_key"
DEV_DETAILS_FILE = "dev.json"


def var_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return SIFT_VAR_DIR, else ./var in the current working directory (absolute)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("SIFT_VAR_DIR") or Path.cwd() / "var").absolute()


def read_secret_key(directory: Path) -> str | None:
    """Return the secret kept in the var directory, or None if there is none yet."""
    try:
        return (directory / SECRET_KEY_FILE).read_text().strip() or None
    except FileNotFoundError:
        return None


def ensure_secret_key(directory: Path) -> str:
    """Return the var directory's secret, creating it (random, readable by its owner only) the first time."""
    existing = read_secret_key(directory)
    if existing is not None:
        return existing
    directory.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path = directory / SECRET_KEY_FILE
    try:
        # O_EXCL: two `sift dev` starting at once cannot each write a different secret.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret_key(directory) or secret
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return secret


def write_dev_details(directory: Path, details: Mapping[str, object]) -> Path:
    """Write `dev.json` (credentials inside: readable by its owner only)."""
    path = directory / DEV_DETAILS_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(dict(details), indent=2) + "\n")
    os.chmod(path, 0o600)
    return path


def environment_from_dev_details(directory: Path) -> dict[str, str] | None:
    """The environment a running `sift dev` gave its processes, from its `dev.json`; None without one."""
    try:
        details = json.loads((directory / DEV_DETAILS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not isinstance(details, dict):
        return None
    environ = {
        name: str(details[key])
        for name, key in (("DATABASE_URL", "database_url"), ("REDIS_URL", "redis_url"), ("SIFT_ENV", "env"))
        if details.get(key)
    }
    secret_file = details.get("secret_key_file")
    if isinstance(secret_file, str):
        secret = read_secret_key(Path(secret_file).parent)
        if secret is not None:
            environ["SIFT_SECRET_KEY"] = secret
    environ["SIFT_VAR_DIR"] = str(directory)
    return environ
