"""The site cache answers from memory within its TTL and re-reads after it."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import update

from service.storage.db import make_engine, make_session_factory, transaction, upgrade_database
from service.storage.models import Site
from service.storage.site_directory import SiteDirectory


def test_a_closed_site_is_seen_once_the_cache_expires(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sites.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as session:
        session.add(Site(name="blog"))
    directory = SiteDirectory(engine, ttl_seconds=0.2)

    first = directory.lookup("blog")
    assert first is not None and first.is_open
    assert directory.lookup("nowhere") is None
    with engine.begin() as connection:
        connection.execute(update(Site).values(is_open=False))
    cached = directory.lookup("blog")
    assert cached is not None and cached.is_open  # still the remembered answer
    time.sleep(0.25)
    reread = directory.lookup("blog")
    assert reread is not None and not reread.is_open
    directory.forget("blog")
