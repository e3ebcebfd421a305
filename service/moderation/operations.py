"""The moderation domain operations, free of Flask: the API and the web UI both call these.

Each takes a SQLAlchemy session and the acting moderator (`service.edge.auth.current_moderator()`),
keeps to the moderator's own sites (anything else is a 404), and raises `ApiError` for
what the caller should answer (404, 409, 422). Writing operations commit the session.
"""

from __future__ import annotations

from service.moderation.decisions import claim, decide, decide_many, release, undo_last
from service.moderation.detail import get_detail, list_audit
from service.moderation.queue import list_queue, queue_counts
from service.moderation.stats import site_stats

__all__ = [
    "claim",
    "decide",
    "decide_many",
    "get_detail",
    "list_audit",
    "list_queue",
    "queue_counts",
    "release",
    "site_stats",
    "undo_last",
]
