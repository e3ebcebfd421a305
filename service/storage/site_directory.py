"""A per-process, short-lived cache of site names and site keys, so intake does not look a site up
per comment, nor the Perspective-compatible API a key per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from service.storage.accounts import hash_secret
from service.storage.models import Site, SiteApiKey


@dataclass(frozen=True)
class SiteRef:
    id: int
    name: str
    is_open: bool


class SiteDirectory:
    """Answer `name -> SiteRef | None` (and `key -> site name`) from memory, re-reading after `ttl_seconds`.

    A revoked key or a closed site is therefore refused within `ttl_seconds` in every process.
    """

    def __init__(self, engine: Engine, ttl_seconds: float) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._entries: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def forget(self, name: str | None = None) -> None:
        """Drop what is cached about one name (or every name), so the next lookup reads the database."""
        with self._lock:
            if name is None:
                self._entries.clear()
            else:
                self._entries.pop(name, None)

    def lookup(self, name: str) -> SiteRef | None:
        def load() -> SiteRef | None:
            with self._engine.connect() as connection:
                row = connection.execute(select(Site.id, Site.name, Site.is_open).where(Site.name == name)).first()
            return SiteRef(row.id, row.name, row.is_open) if row is not None else None

        found: SiteRef | None = self._cached(name, load)
        return found

    def site_name_for_key(self, key: str) -> str | None:
        """Return the name of the site a live (unrevoked) site key belongs to, or None."""
        key_hash = hash_secret(key)

        def load() -> str | None:
            statement = (
                select(Site.name)
                .join(SiteApiKey, SiteApiKey.site_id == Site.id)
                .where(SiteApiKey.key_hash == key_hash, SiteApiKey.revoked_at.is_(None))
            )
            with self._engine.connect() as connection:
                return connection.execute(statement).scalar_one_or_none()

        found: str | None = self._cached("key:" + key_hash, load)
        return found

    def _cached(self, entry: str, load: Callable[[], Any]) -> Any:
        now = time.monotonic()
        cached = self._entries.get(entry)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        found = load()
        with self._lock:
            # Unknown names are cached too (a flood to a bogus site must not reach the database),
            # but the table stays bounded: it is cleared whenever it grows past a few thousand names.
            if len(self._entries) > 4096:
                self._entries.clear()
            self._entries[entry] = (now, found)
        return found
