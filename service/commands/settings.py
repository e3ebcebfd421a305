"""What the `sift` commands share: their settings, the schema check, and the site policies' directory.

Below `service.cli` and every `service.commands` module, so no command imports the command line back.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from config.settings import DEFAULT_SITES_DIR, Settings, SettingsError
from config.var import DEV_DETAILS_FILE, environment_from_dev_details, var_dir

# What a command needs from the environment, with an example of each.
_NEEDED = {"REDIS_URL": "redis://127.0.0.1:6379/0", "SIFT_SECRET_KEY": "<32 or more random characters>"}


def load_settings() -> Settings:
    """Settings from the environment; beside a running `sift dev`, what it wrote to var/dev.json fills the gaps."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        first_error = error
    var = var_dir()
    dev = environment_from_dev_details(var)
    if dev is not None:
        try:
            settings = Settings.from_env({**dev, **os.environ})
        except SettingsError as error:
            raise click.ClickException(f"{error} (after reading {var / DEV_DETAILS_FILE})") from None
        click.echo(f"using the settings of `sift dev` from {var / DEV_DETAILS_FILE}", err=True)
        return settings
    missing = [f"  export {name}={example}" for name, example in _NEEDED.items() if not os.environ.get(name)]
    raise click.ClickException(
        "\n".join(
            [
                str(first_error),
                f"No `sift dev` details in {var / DEV_DETAILS_FILE} (run the command where `sift dev` runs, "
                "or set SIFT_VAR_DIR to its var directory), so set the environment:",
                *missing,
                f"  (and DATABASE_URL unless the database is sqlite:///{var / 'sift.db'})",
            ]
        )
    )


def require_current_schema(settings: Settings) -> None:
    """Stop with one line if the database has not been migrated to this code's schema."""
    from sqlalchemy.engine import make_url

    from service.storage.db import database_is_current

    if not database_is_current(settings.database_url):
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
        raise click.ClickException(f"the database {shown} is not migrated to this version: run `sift db upgrade` first")


def sites_dir() -> Path:
    """Return the site policies' directory: SIFT_SITES_DIR, else the shipped one."""
    return Path(os.environ.get("SIFT_SITES_DIR") or DEFAULT_SITES_DIR)
