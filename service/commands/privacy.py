"""`sift privacy …`: erase an author's personal data, or apply retention now."""

from __future__ import annotations

import click


@click.group("privacy")
def privacy() -> None:
    """Personal data: erasure and retention."""


@privacy.command("erase")
@click.option("--email", required=True, help="The author's email address, as they gave it in their comments.")
def erase(email: str) -> None:
    """Remove an author's personal data from every comment, keeping moderation statistics."""
    from service.commands.settings import load_settings
    from service.storage.db import make_engine, make_session_factory, transaction
    from service.storage.retention import erase_author

    if not email.strip() or "@" not in email:
        raise click.BadParameter("give the author's email address", param_hint="--email")
    engine = make_engine(load_settings().database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            erased = erase_author(session, email)
    finally:
        engine.dispose()
    click.echo(f"erased personal data from {erased.comments} comments and {erased.webhook_messages} webhook messages")


@privacy.command("apply-retention")
def apply_retention() -> None:
    """Truncate old client addresses and purge old rejected spam now (beat also does it hourly)."""
    from service.commands.settings import load_settings
    from service.storage.db import make_engine, make_session_factory, transaction
    from service.storage.retention import purge_old_spam, truncate_old_addresses

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            purged = purge_old_spam(session, settings.purge_spam_after_days)
            truncated = truncate_old_addresses(session, settings.truncate_addresses_after_days)
    finally:
        engine.dispose()
    click.echo(f"truncated {truncated} client addresses; purged {purged} rejected spam comments")
