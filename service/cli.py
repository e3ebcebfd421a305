"""The `sift` command line."""

from __future__ import annotations

import click

from service.commands.accounts import keys, moderators
from service.commands.bench import bench_command
from service.commands.dev import dev_command
from service.commands.filters import eval_command, train_command
from service.commands.learning import learn
from service.commands.model import model_group
from service.commands.privacy import privacy
from service.commands.settings import load_settings, require_current_schema


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
