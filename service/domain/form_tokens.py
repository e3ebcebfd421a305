"""Signed single-use form tokens (interim version; the filters work may replace the internals)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from service.domain.constant_time import secrets_equal


def _sign(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"form-token:{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def issue_form_token(secret: str, site: str, now: float) -> str:
    """Return a token binding the site, the time it was issued and a random nonce."""
    payload = f"{int(now * 1000)}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_sign(secret, site + ':' + payload)}"


def check_form_token(
    secret: str, token: str, site: str, now: float, min_seconds: float, max_age_seconds: float
) -> tuple[str, str]:
    """Return (status, nonce): status is "ok", "too-fast", "expired" or "invalid"."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return "invalid", ""
    issued_ms, nonce, signature = parts
    if not secrets_equal(_sign(secret, f"{site}:{issued_ms}.{nonce}"), signature):
        return "invalid", ""
    age = now - int(issued_ms) / 1000
    if age < min_seconds:
        return "too-fast", nonce
    if age > max_age_seconds:
        return "expired", nonce
    return "ok", nonce
