"""Sites, moderators, their roles, API tokens and site keys."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.storage.models import ApiToken, Membership, Moderator, Site, SiteApiKey, utcnow

ROLES = ("moderator", "admin")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A site or account request that cannot be carried out; the message says why."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_secret(secret: str) -> str:
    """Hash a high-entropy token for lookup (random tokens need no slow hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_site(session: Session, name: str, display_name: str = "") -> Site:
    if not SITE_NAME.match(name):
        raise AccountError("a site name is 1-63 lowercase letters, digits or dashes, starting with a letter or digit")
    if session.scalar(select(Site).where(Site.name == name)) is not None:
        raise AccountError(f"site {name!r} already exists")
    site = Site(name=name, display_name=display_name or name)
    session.add(site)
    session.flush()
    return site


def get_site(session: Session, name: str) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        raise AccountError(f"no site named {name!r}")
    return site


@dataclass(frozen=True)
class NewModerator:
    moderator: Moderator
    token: str | None


def create_moderator(
    session: Session, email: str, site_name: str, role: str = "moderator", password: str | None = None,
    with_token: bool = False,
) -> NewModerator:
    """Create a moderator (or add a site role to an existing one); optionally issue an API token."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("email must contain @")
    site = get_site(session, site_name)
    moderator = session.scalar(select(Moderator).where(Moderator.email == email))
    if moderator is None:
        moderator = Moderator(email=email, password_hash=hash_password(password) if password else "")
        session.add(moderator)
        session.flush()
    elif password:
        moderator.password_hash = hash_password(password)
    membership = session.scalar(
        select(Membership).where(Membership.moderator_id == moderator.id, Membership.site_id == site.id)
    )
    if membership is None:
        session.add(Membership(moderator_id=moderator.id, site_id=site.id, role=role))
    else:
        membership.role = role
    token = issue_api_token(session, moderator) if with_token else None
    return NewModerator(moderator, token)


def issue_api_token(session: Session, moderator: Moderator) -> str:
    token = "sift_mod_" + secrets.token_urlsafe(32)
    session.add(ApiToken(moderator_id=moderator.id, prefix=token[:13], token_hash=hash_secret(token)))
    session.flush()
    return token


def issue_site_key(session: Session, site: Site, label: str = "") -> str:
    key = "sift_site_" + secrets.token_urlsafe(32)
    session.add(SiteApiKey(site_id=site.id, label=label, prefix=key[:14], key_hash=hash_secret(key)))
    session.flush()
    return key


def moderator_for_token(session: Session, token: str) -> Moderator | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(token), ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return None
    row.last_used_at = utcnow()
    moderator = session.get(Moderator, row.moderator_id)
    return moderator if moderator is not None and moderator.is_active else None


def site_for_key(session: Session, key: str) -> Site | None:
    row = session.scalar(
        select(SiteApiKey).where(SiteApiKey.key_hash == hash_secret(key), SiteApiKey.revoked_at.is_(None))
    )
    return session.get(Site, row.site_id) if row is not None else None
