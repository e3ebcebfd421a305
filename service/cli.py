"""The `sift` command line."""

from __future__ import annotations

import os

import click

from config.settings import Settings, SettingsError
from config.var import DEV_DETAILS_FILE, environment_from_dev_details, var_dir
from service.commands.accounts import keys, moderators
from service.commands.dev import dev_command
from service.commands.filters import bench_command, eval_command, train_command
from service.commands.learning import learn
from service.commands.model import model_group
from service.commands.privacy import privacy

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


@click.group()
def main() -> None:
    """Sift: comment moderation."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (safe to run again)."""
    from service.storage.db import upgrade_database

    settings = load_settings()
    upgrade_database(settings.database_url)
    click.echo("database is up to date")


@main.group()
def sites() -> None:
    """Sites that post comments."""


@sites.command("create")
@click.argument("name")
@click.option("--display-name", default="", help="A human name for the site.")
def sites_create(name: str, display_name: str) -> None:
    """Create a site."""
    from service.storage.accounts import AccountError, create_site
    from service.storage.db import make_engine, make_session_factory, transaction

    settings = load_settings()
    require_current_schema(settings)
    sessions = make_session_factory(make_engine(settings.database_url))
    try:
        with transaction(sessions) as session:
            create_site(session, name, display_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created site {name}")


# Commands that live beside the code they drive.
main.add_command(dev_command)
main.add_command(moderators)
main.add_command(keys)
main.add_command(eval_command)
main.add_command(train_command)
main.add_command(bench_command)
main.add_command(learn)
main.add_command(model_group)
main.add_command(privacy)
