"""`sift moderators …` and `sift keys …`: people and site backends that may use the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click
from sqlalchemy.orm import Session

T = TypeVar("T")


@contextmanager
def _database() -> Iterator[Session]:
    from service.commands.settings import load_settings, require_current_schema
    from service.storage.db import make_engine, make_session_factory, transaction

    settings = load_settings()
    require_current_schema(settings)
    engine = make_engine(settings.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _run(work: Callable[[Session], T]) -> T:
    from service.storage.accounts import AccountError

    try:
        with _database() as session:
            return work(session)
    except AccountError as error:
        raise click.ClickException(str(error)) from None


@click.group("moderators")
def moderators() -> None:
    """Moderator accounts and their roles per site."""


@moderators.command("create")
@click.argument("email")
@click.option("--site", required=True, help="The site the moderator works on.")
@click.option("--role", type=click.Choice(["moderator", "admin"]), default="moderator", show_default=True)
@click.option("--password", default=None, help="A password for the web UI (none: token only).")
@click.option("--token", "with_token", is_flag=True, help="Issue an API token, printed once as the last word.")
def moderators_create(email: str, site: str, role: str, password: str | None, with_token: bool) -> None:
    """Create a moderator, or give an existing one a role on another site."""
    from service.storage.accounts import create_moderator

    if password is not None and len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    created = _run(lambda session: create_moderator(session, email, site, role, password, with_token))
    message = f"moderator {created.moderator.email} is {role} of {site}"
    if created.token is not None:
        # The token is shown only now (only its hash is stored), as the last word for scripts.
        message += f"; API token (shown once): {created.token}"
    click.echo(message)


@moderators.command("token")
@click.argument("email")
def moderators_token(email: str) -> None:
    """Issue another API token for a moderator, printed once as the last word."""
    from service.storage.accounts import AccountError, issue_api_token, moderator_by_email

    def issue(session: Session) -> str:
        moderator = moderator_by_email(session, email)
        if moderator is None:
            raise AccountError(f"no moderator {email!r}")
        return issue_api_token(session, moderator)

    click.echo(f"API token (shown once): {_run(issue)}")


@moderators.command("revoke-tokens")
@click.argument("email")
def moderators_revoke_tokens(email: str) -> None:
    """Revoke every API token of a moderator."""
    from service.storage.accounts import AccountError, moderator_by_email, revoke_api_tokens

    def revoke(session: Session) -> int:
        moderator = moderator_by_email(session, email)
        if moderator is None:
            raise AccountError(f"no moderator {email!r}")
        return revoke_api_tokens(session, moderator)

    click.echo(f"revoked {_run(revoke)} tokens")


@click.group("keys")
def keys() -> None:
    """Site API keys for server-to-server calls."""


@keys.command("create")
@click.option("--site", required=True)
@click.option("--label", default="", help="What the key is for.")
def keys_create(site: str, label: str) -> None:
    """Issue a site key, printed once as the last word."""
    from service.storage.accounts import get_site, issue_site_key

    key = _run(lambda session: issue_site_key(session, get_site(session, site), label))
    click.echo(f"site key for {site} (shown once): {key}")


@keys.command("list")
@click.option("--site", required=True)
def keys_list(site: str) -> None:
    """List a site's keys (their prefixes only)."""
    from service.storage.accounts import get_site, list_site_keys

    def rows(session: Session) -> list[str]:
        return [
            f"{key.id}\t{key.prefix}…\t{key.label}\t{'revoked' if key.revoked_at else 'active'}"
            for key in list_site_keys(session, get_site(session, site))
        ]

    for line in _run(rows):
        click.echo(line)


@keys.command("revoke")
@click.option("--site", required=True)
@click.argument("key_id", type=int)
def keys_revoke(site: str, key_id: int) -> None:
    """Revoke a site key by its id."""
    from service.storage.accounts import get_site, revoke_site_key

    _run(lambda session: revoke_site_key(session, get_site(session, site), key_id))
    click.echo(f"revoked key {key_id}")
