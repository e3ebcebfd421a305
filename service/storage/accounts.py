"""Sites, moderators, their roles, API tokens and site keys."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
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
    session: Session,
    email: str,
    site_name: str,
    role: str = "moderator",
    password: str | None = None,
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


@dataclass(frozen=True)
class Identity:
    """Who is acting on the moderation API, and with which role on which site.

    Detached from any session, so a request can load it once and pass it around.
    `kind` is "moderator" (a person) or "site-key" (a site's backend acting for that site).
    """

    id: int
    label: str
    roles: Mapping[int, str]
    site_names: Mapping[int, str]
    kind: str = "moderator"

    def site_ids(self, role: str | None = None) -> frozenset[int]:
        """Return the sites this identity may act on (with `role`, only those where it has that role)."""
        return frozenset(site_id for site_id, held in self.roles.items() if role is None or held == role)


def identity_for_moderator(session: Session, moderator: Moderator) -> Identity:
    rows = session.execute(
        select(Membership.site_id, Membership.role, Site.name)
        .join(Site, Site.id == Membership.site_id)
        .where(Membership.moderator_id == moderator.id)
    ).all()
    return Identity(
        id=moderator.id,
        label=moderator.email,
        roles={site_id: role for site_id, role, _ in rows},
        site_names={site_id: name for site_id, _, name in rows},
    )


def identity_for_site_key(site: Site) -> Identity:
    """A site key acts as a moderator of its own site, never as its admin."""
    return Identity(
        id=site.id,
        label=f"site-key:{site.name}",
        roles={site.id: "moderator"},
        site_names={site.id: site.name},
        kind="site-key",
    )


def moderator_by_email(session: Session, email: str) -> Moderator | None:
    return session.scalar(select(Moderator).where(Moderator.email == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> Moderator | None:
    """Return the active moderator with this email and password, or None."""
    moderator = moderator_by_email(session, email)
    if moderator is None or not moderator.is_active or not moderator.password_hash:
        # Hash anyway, so a missing account takes as long to refuse as a wrong password.
        verify_password(_DUMMY_HASH, password)
        return None
    return moderator if verify_password(moderator.password_hash, password) else None


_DUMMY_HASH = _hasher.hash("not-a-real-password")


def list_site_keys(session: Session, site: Site) -> list[SiteApiKey]:
    return list(session.scalars(select(SiteApiKey).where(SiteApiKey.site_id == site.id).order_by(SiteApiKey.id)))


def revoke_site_key(session: Session, site: Site, key_id: int) -> SiteApiKey:
    key = session.get(SiteApiKey, key_id)
    if key is None or key.site_id != site.id:
        raise AccountError(f"no key {key_id} on site {site.name!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def list_memberships(session: Session, site: Site) -> list[tuple[Moderator, Membership]]:
    rows = session.execute(
        select(Moderator, Membership)
        .join(Membership, Membership.moderator_id == Moderator.id)
        .where(Membership.site_id == site.id)
        .order_by(Moderator.email)
    ).all()
    return [(moderator, membership) for moderator, membership in rows]


def remove_membership(session: Session, site: Site, moderator_id: int) -> None:
    membership = session.scalar(
        select(Membership).where(Membership.site_id == site.id, Membership.moderator_id == moderator_id)
    )
    if membership is None:
        raise AccountError(f"moderator {moderator_id} has no role on site {site.name!r}")
    session.delete(membership)


def revoke_api_tokens(session: Session, moderator: Moderator) -> int:
    """Revoke every live token of a moderator; return how many."""
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.moderator_id == moderator.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    return len(tokens)
