"""Signed check tokens: what a draft check warned a reader about, carried to the comment they post anyway.

`comments:check` gives a token with each warning; the form sends it back with the comment, and
intake records the warning on the comment (`comments.warning`), so moderators see that the author
was warned and posted anyway. The token binds the site, the warned filters and a digest of the
checked text; the signature is what makes a recorded warning one Sift really gave. A token only
ever adds a verdict that informs moderators: nobody gains by forging one, and nobody can strip one
from another's comment. HMAC-SHA256 from the standard library, like the form tokens: a dozen
lines, no dependency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

CATEGORIES = ("spam", "abuse")
_FILTER_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# comments.warning holds "category:ids[:edited]" in 200 characters.
_MAX_IDS_CHARS = 180


@dataclass(frozen=True)
class CheckedWarning:
    """A warning Sift gave on a draft, and whether the posted text differs from that draft."""

    category: str
    filter_ids: tuple[str, ...]
    edited: bool = False

    def stored(self) -> str:
        """The value kept in `comments.warning`."""
        value = f"{self.category}:{','.join(self.filter_ids)}"
        return value + ":edited" if self.edited else value


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(
        hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).digest()[:12]
    ).decode()


def _sign(secret: str, site: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"check-token:{site}:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def issue_check_token(secret: str, site: str, body: str, category: str, filter_ids: tuple[str, ...]) -> str:
    """Return a token for a warning on `body` about `filter_ids` (kebab-case ids, one category)."""
    if category not in CATEGORIES or not filter_ids or not all(_FILTER_ID.match(i) for i in filter_ids):
        raise ValueError(f"not a warning: {category!r} {filter_ids!r}")
    ids = filter_ids[0]
    for filter_id in filter_ids[1:]:
        if len(ids) + 1 + len(filter_id) > _MAX_IDS_CHARS:
            break  # the first ids are the deciding ones; the column has room for a few
        ids = f"{ids},{filter_id}"
    payload = f"{category}.{ids}.{_digest(body)}"
    return f"{payload}.{_sign(secret, site, payload)}"


def read_check_token(secret: str, token: str, site: str, body: str) -> CheckedWarning | None:
    """Return the warning a token carries for this site, or None if Sift did not sign it for this site."""
    parts = token.split(".")
    if len(parts) != 4:
        return None
    category, ids, digest, signature = parts
    if not hmac.compare_digest(_sign(secret, site, f"{category}.{ids}.{digest}"), signature):
        return None
    filter_ids = tuple(ids.split(","))
    if category not in CATEGORIES or not all(_FILTER_ID.match(i) for i in filter_ids):
        return None
    return CheckedWarning(category, filter_ids, edited=not hmac.compare_digest(digest, _digest(body)))
