"""Compare a secret a client sent with the one we expect, in constant time, whatever characters it holds."""

from __future__ import annotations

import hmac


def secrets_equal(expected: str, sent: str) -> bool:
    """Tell whether `sent` equals `expected` without leaking where they differ.

    `hmac.compare_digest` refuses two `str` unless both are ASCII (a TypeError, which answered 500
    for a receipt like `%C2%8F`); comparing their UTF-8 bytes accepts anything a client can send.
    """
    return hmac.compare_digest(expected.encode(), sent.encode("utf-8", "surrogatepass"))
