"""Keep every moderation read and write inside the caller's own sites."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.edge.errors import ApiError
from service.storage.accounts import Identity
from service.storage.comments import Actor
from service.storage.models import Comment, Site


def resolve_sites(identity: Identity, names: list[str], role: str | None = None) -> dict[int, str]:
    """Map the requested site names to ids; all of the caller's sites when none are named.

    A site the caller has no role on answers 404, exactly like one that does not exist,
    so nobody can probe for other sites' names.
    """
    allowed = identity.site_ids(role)
    by_name = {name: site_id for site_id, name in identity.site_names.items() if site_id in allowed}
    if not names:
        return {site_id: name for name, site_id in by_name.items()}
    chosen: dict[int, str] = {}
    for name in names:
        if name not in by_name:
            raise ApiError(404, f"No site named {name!r}.")
        chosen[by_name[name]] = name
    return chosen


def admin_site(session: Session, identity: Identity, site_name: str) -> Site:
    """Return the site if the caller is its admin; any other site is a 404, as if it did not exist."""
    if identity.kind != "moderator":
        raise ApiError(403, "Site keys cannot use the admin API.")
    (site_id,) = resolve_sites(identity, [site_name], role="admin")
    site = session.get(Site, site_id)
    if site is None:
        raise ApiError(404, f"No site named {site_name!r}.")
    return site


def load_comment(
    session: Session, identity: Identity, comment_id: int, *, lock: bool = False, role: str | None = None
) -> Comment:
    """Return the comment if it belongs to one of the caller's sites, else answer 404."""
    statement = select(Comment).where(Comment.id == comment_id)
    if lock:
        # Serialises concurrent decisions on one comment, so each sees the other's outcome.
        statement = statement.with_for_update().execution_options(populate_existing=True)
    comment = session.scalar(statement)
    if comment is None or comment.site_id not in identity.site_ids(role):
        raise ApiError(404, f"No comment {comment_id}.")
    return comment


def has_live_claim(comment: Comment, now: dt.datetime) -> bool:
    """Tell whether someone's claim on the comment has not yet run out."""
    return comment.claimed_by is not None and comment.claim_expires_at is not None and comment.claim_expires_at > now


def actor_for(identity: Identity) -> Actor:
    return Actor(identity.kind, identity.id, identity.label)
