"""A per-process, short-lived cache of site names, so intake does not look a site up per comment."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy import Engine, select

from service.storage.models import Site


@dataclass(frozen=True)
class SiteRef:
    id: int
    name: str
    is_open: bool


class SiteDirectory:
    """Answer `name -> SiteRef | None` from memory, re-reading a name after `ttl_seconds`."""

    def __init__(self, engine: Engine, ttl_seconds: float) -> None:
        self._engine = engine
        self._ttl = ttl_seconds
        self._entries: dict[str, tuple[float, SiteRef | None]] = {}
        self._lock = threading.Lock()

    def forget(self, name: str | None = None) -> None:
        """Drop what is cached about one name (or every name), so the next lookup reads the database."""
        with self._lock:
            if name is None:
                self._entries.clear()
            else:
                self._entries.pop(name, None)

    def lookup(self, name: str) -> SiteRef | None:
        now = time.monotonic()
        cached = self._entries.get(name)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        with self._engine.connect() as connection:
            row = connection.execute(select(Site.id, Site.name, Site.is_open).where(Site.name == name)).first()
        found = SiteRef(row.id, row.name, row.is_open) if row is not None else None
        with self._lock:
            # Unknown names are cached too (a flood to a bogus site must not reach the database),
            # but the table stays bounded: it is cleared whenever it grows past a few thousand names.
            if len(self._entries) > 4096:
                self._entries.clear()
            self._entries[name] = (now, found)
        return found
