from service.domain.form_tokens import check_form_token, issue_form_token

SECRET = "s" * 32


def test_a_token_used_in_time_is_ok_and_carries_its_nonce():
    token = issue_form_token(SECRET, "news", now=1000.0)
    status, nonce = check_form_token(SECRET, token, "news", now=1010.0, min_seconds=3, max_age_seconds=7200)
    assert status == "ok"
    assert nonce and nonce in token


def test_too_fast_and_expired():
    token = issue_form_token(SECRET, "news", now=1000.0)
    assert check_form_token(SECRET, token, "news", 1001.0, 3, 7200)[0] == "too-fast"
    assert check_form_token(SECRET, token, "news", 1000.0 + 7201, 3, 7200)[0] == "expired"


def test_forged_tampered_or_foreign_tokens_are_invalid():
    token = issue_form_token(SECRET, "news", now=1000.0)
    assert check_form_token("x" * 32, token, "news", 1010.0, 3, 7200)[0] == "invalid"
    assert check_form_token(SECRET, token, "other-site", 1010.0, 3, 7200)[0] == "invalid"
    issued, nonce, signature = token.split(".")
    assert (
        check_form_token(SECRET, f"{int(issued) - 60000}.{nonce}.{signature}", "news", 1010.0, 3, 7200)[0] == "invalid"
    )
    assert check_form_token(SECRET, "garbage", "news", 1010.0, 3, 7200) == ("invalid", "")


def test_two_tokens_have_different_nonces():
    first = issue_form_token(SECRET, "news", now=1000.0)
    second = issue_form_token(SECRET, "news", now=1000.0)
    assert (
        check_form_token(SECRET, first, "news", 1010, 3, 7200)[1]
        != check_form_token(SECRET, second, "news", 1010, 3, 7200)[1]
    )


def test_a_signature_outside_ascii_is_invalid_not_an_error():
    issued, nonce, _signature = issue_form_token(SECRET, "news", now=1000.0).split(".")
    assert check_form_token(SECRET, f"{issued}.{nonce}.sigñature\u008f", "news", 1010.0, 3, 7200) == ("invalid", "")
