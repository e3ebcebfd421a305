"""`sift learn …`: the learned filters' Redis counts, rebuilt from the decisions in the database."""

from __future__ import annotations

import click


@click.group("learn")
def learn() -> None:
    """Learned (Bayes) filter statistics."""


@learn.command("rebuild")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable); all sites by default.")
def rebuild_command(sites: tuple[str, ...]) -> None:
    """Reset each site's learned counts and retrain them from every stored moderator decision."""
    import redis

    from service.commands.settings import load_settings
    from service.storage.db import make_engine, make_session_factory
    from service.storage.learning import rebuild

    settings = load_settings()
    engine = make_engine(settings.database_url)
    client = redis.Redis.from_url(settings.redis_url)
    try:
        with make_session_factory(engine)() as session:
            replayed = rebuild(session, client, sites)
    except redis.RedisError as error:
        raise click.ClickException(f"Redis is unreachable: {error}") from None
    except ImportError as error:
        raise click.ClickException(f"the learned filter is not installed: {error}") from None
    finally:
        client.close()
        engine.dispose()
    if sites and set(sites) - set(replayed):
        raise click.ClickException(f"no site named {', '.join(sorted(set(sites) - set(replayed)))}")
    for site, count in replayed.items():
        click.echo(f"{site}: retrained from {count} decisions")
