"""Check a submitted form token at intake: signature and timing (pure), then single use (Redis)."""

from __future__ import annotations

import time

from config.sites import SitePolicy
from service.domain.form_tokens import check_form_token
from service.runtime.services import services


def form_token_status(site_name: str, policy: SitePolicy, token: str | None) -> str:
    """Return "ok", "missing", "too-fast", "expired", "replayed", "invalid", or "" when unused."""
    if not token:
        return "missing" if policy.intake.require_form_token else ""
    app = services()
    status, nonce = check_form_token(
        app.settings.secret_key,
        token,
        site_name,
        time.time(),
        policy.intake.form_token_min_seconds,
        policy.intake.form_token_max_age_seconds,
    )
    if status != "ok":
        return status
    first_use = app.redis.set(
        f"sift:form-token:{site_name}:{nonce}", 1, nx=True, ex=policy.intake.form_token_max_age_seconds
    )
    return "ok" if first_use else "replayed"
