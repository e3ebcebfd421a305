"""Receipt tokens: proof that the caller submitted a comment, so only its author can poll it."""

from __future__ import annotations

import base64
import hashlib
import hmac

from service.domain.constant_time import secrets_equal


def receipt_for(secret: str, comment_id: int) -> str:
    """Return the receipt token of a comment."""
    digest = hmac.new(secret.encode(), f"receipt:{comment_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def receipt_matches(secret: str, comment_id: int, receipt: str) -> bool:
    return secrets_equal(receipt_for(secret, comment_id), receipt)
