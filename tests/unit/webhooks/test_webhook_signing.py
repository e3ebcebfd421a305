"""Signatures verify with the standardwebhooks library, for the current and the rotated-out secret."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from workers.webhooks import new_secret, signature_headers, signing_secrets

BODY = '{"type":"comment.published","timestamp":"2026-11-27T12:00:00+00:00","data":{"id":1}}'


def test_new_secret_is_whsec_with_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_signed_request_verifies_with_the_library() -> None:
    secret = new_secret()
    headers = signature_headers("msg_1", BODY, [secret], dt.datetime.now(dt.UTC))
    assert Webhook(secret).verify(BODY.encode(), headers)["data"] == {"id": 1}
    assert headers["webhook-id"] == "msg_1"


def test_a_tampered_body_or_another_secret_fails() -> None:
    secret = new_secret()
    headers = signature_headers("msg_1", BODY, [secret], dt.datetime.now(dt.UTC))
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("1", "2").encode(), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY.encode(), headers)


def test_non_utc_time_gives_the_same_timestamp() -> None:
    moment = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    paris = moment.astimezone(dt.timezone(dt.timedelta(hours=1)))
    assert signature_headers("m", BODY, ["whsec_" + "A" * 44], moment) == signature_headers(
        "m", BODY, ["whsec_" + "A" * 44], paris
    )


def test_during_rotation_old_and_new_secrets_both_verify() -> None:
    old, new = new_secret(), new_secret()
    now = dt.datetime.now(dt.UTC)
    keys = signing_secrets(new, old, now + dt.timedelta(hours=1), now)
    headers = signature_headers("msg_2", BODY, keys, now)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


def test_after_the_grace_period_only_the_new_secret_signs() -> None:
    old, new = new_secret(), new_secret()
    now = dt.datetime.now(dt.UTC)
    headers = signature_headers("msg_3", BODY, signing_secrets(new, old, now - dt.timedelta(seconds=1), now), now)
    Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(BODY, headers)
