"""Find the site a public request names, from the per-process site cache."""

from __future__ import annotations

from service.edge.errors import ApiError
from service.runtime.services import services
from service.storage.accounts import SITE_NAME
from service.storage.site_directory import SiteRef


def site_or_404(site_name: str) -> SiteRef:
    """Return the named site, or answer 404 (a name no site can have is never looked up)."""
    site = services().sites.lookup(site_name) if SITE_NAME.match(site_name) else None
    if site is None:
        raise ApiError(404, f"No site named {site_name!r}.")
    return site
