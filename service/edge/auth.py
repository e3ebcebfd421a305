"""Who is calling the moderation and admin APIs: a bearer token, a site key, or a browser session with CSRF."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request, session

from service.domain.constant_time import secrets_equal
from service.edge.errors import ApiError
from service.runtime.services import services
from service.storage.accounts import (
    Identity,
    identity_for_moderator,
    identity_for_site_key,
    moderator_for_token,
    site_for_key,
)
from service.storage.models import Moderator

F = TypeVar("F", bound=Callable[..., Any])

MODERATOR_TOKEN_PREFIX = "sift_mod_"
SITE_KEY_PREFIX = "sift_site_"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def current_moderator() -> Identity:
    """Return the caller's identity, loaded once per request; answer 401 or 403 otherwise."""
    found: Identity | None = g.get("sift_identity")
    if found is None:
        found = _authenticate()
        g.sift_identity = found
    return found


def moderator_required(view: F) -> F:
    """Refuse the view to anyone not signed in as a moderator (or a site key)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_moderator()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def allowed_site_ids(moderator: Identity, role: str | None = None) -> frozenset[int]:
    """Return the ids of the sites the moderator may see (with `role`, only those where they hold it)."""
    return moderator.site_ids(role)


def _authenticate() -> Identity:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise _unauthorized("Send `Authorization: Bearer <token>`.")
        return _identity_for_bearer(credential)
    moderator_id = session.get("moderator_id")
    if moderator_id is None:
        raise _unauthorized("Sign in, or send a moderator token as `Authorization: Bearer <token>`.")
    if request.method not in _SAFE_METHODS:
        _check_csrf()
    with services().sessions() as db:
        moderator = db.get(Moderator, moderator_id) if isinstance(moderator_id, int) else None
        if moderator is None or not moderator.is_active:
            session.clear()
            raise _unauthorized("Your session has ended; sign in again.")
        return identity_for_moderator(db, moderator)


def _identity_for_bearer(credential: str) -> Identity:
    with services().sessions() as db, db.begin():
        if credential.startswith(MODERATOR_TOKEN_PREFIX):
            moderator = moderator_for_token(db, credential)
            if moderator is not None:
                return identity_for_moderator(db, moderator)
        elif credential.startswith(SITE_KEY_PREFIX):
            site = site_for_key(db, credential)
            if site is not None:
                return identity_for_site_key(site)
    raise _unauthorized("The token is unknown or revoked.")


def _check_csrf() -> None:
    expected = session.get("csrf_token")
    sent = request.headers.get("X-CSRF-Token") or (request.form.get("csrf_token") if request.form else None)
    if not expected or not sent or not secrets_equal(str(expected), str(sent)):
        raise ApiError(403, "The CSRF token is missing or wrong; reload the page.", code="csrf_failed")


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="sift"'})
