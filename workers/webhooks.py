"""Sign webhook requests the Standard Webhooks way, with the `standardwebhooks` library: pure, no I/O."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Sequence

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """Return a fresh `whsec_` signing secret (32 random bytes, base64, inside the spec's 24-64)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_secrets(
    secret: str, previous_secret: str | None, previous_expires_at: dt.datetime | None, now: dt.datetime
) -> list[str]:
    """Return the secrets that sign now: the current one, and the previous one during its grace period."""
    found = [secret]
    if previous_secret and previous_expires_at is not None and previous_expires_at > now:
        found.append(previous_secret)
    return found


def signature_headers(message_id: str, body: str, keys: Sequence[str], sent_at: dt.datetime) -> dict[str, str]:
    """Return the webhook-id, webhook-timestamp and webhook-signature headers for one attempt.

    Every key signs, space-separated, so a receiver holding either the old or the new secret verifies.
    """
    # standardwebhooks replaces tzinfo instead of converting, so hand it UTC or the timestamp is wrong.
    sent_at = sent_at.astimezone(dt.UTC)
    signatures = [Webhook(key).sign(msg_id=message_id, timestamp=sent_at, data=body) for key in keys]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
