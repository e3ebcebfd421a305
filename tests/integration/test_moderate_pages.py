"""The moderator pages over the Flask client: sign-in, its limits and cookie, and bad input answered 4xx."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_moderator
from service.storage.models import Notice, Site

PASSWORD = "a long enough password"
HTML = {"Accept": "text/html"}


def make_moderator(sessions: sessionmaker[Session], role: str = "admin", email: str = "mod@example.com") -> str:
    with sessions() as session, session.begin():
        create_moderator(session, email, "demo", role=role, password=PASSWORD)
    return email


def csrf_from(client: FlaskClient, path: str = "/moderate/login") -> str:
    page = client.get(path, headers=HTML).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client)
    return client.post(
        "/moderate/login", data={"csrf_token": token, "email": email, "password": password, **extra}, headers=HTML
    )


def test_sign_in_sets_an_httponly_lax_cookie_and_a_fresh_csrf_token(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    email = make_moderator(sessions)
    before = csrf_from(client)
    response = sign_in(client, email)
    assert response.status_code == 303 and response.headers["Location"].endswith("/moderate/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    queue = client.get("/moderate/", headers=HTML).get_data(as_text=True)
    after = re.search(r'name="csrf-token" content="([^"]+)"', queue)
    assert after and after.group(1) != before
    assert "Nothing held here" in queue

    signed_out = client.post("/moderate/logout", data={"csrf_token": after.group(1)}, headers=HTML)
    assert signed_out.status_code == 303 and signed_out.headers["Location"].endswith("/moderate/login")
    assert client.get("/moderate/", headers=HTML).status_code == 303


def test_wrong_password_answers_401_with_a_message(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    email = make_moderator(sessions)
    response = sign_in(client, email, password="wrong")
    assert response.status_code == 401
    assert "do not match an active moderator account" in response.get_data(as_text=True)
    assert client.get("/moderate/", headers=HTML).status_code == 303


def test_sign_in_attempts_beyond_the_limit_are_refused_with_retry_after(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    email = make_moderator(sessions)
    statuses = [sign_in(client, email, password=f"guess {n}").status_code for n in range(5)]
    refused = sign_in(client, email, password=PASSWORD)
    assert statuses == [401] * 5
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Too many sign-in attempts" in refused.get_data(as_text=True)


def test_sign_in_without_the_csrf_token_is_refused(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    email = make_moderator(sessions)
    response = client.post("/moderate/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json is not None and response.json["error"]["code"] == "csrf_failed"


def test_sign_in_never_redirects_off_the_moderation_pages(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    email = make_moderator(sessions)
    response = sign_in(client, email, next="//evil.example/moderate/")
    assert response.headers["Location"].endswith("/moderate/")


def test_bad_queue_and_form_input_answers_4xx_never_500(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, make_moderator(sessions))
    token = csrf_from(client, "/moderate/")
    pages = ["/moderate/?status=bogus", "/moderate/?sort=bogus", "/moderate/?cursor=%%%", "/moderate/?site=elsewhere"]
    assert [client.get(path).status_code for path in pages] == [422, 422, 422, 404]
    assert client.get("/moderate/comments/999999").status_code == 404
    forms = [
        {"one": "abc"},
        {"one": "1:1:explode"},
        {"one": "99999:1:approve"},
        {"bulk": "approve"},
        {"bulk": "approve", "selected": "1:0"},
        {"bulk": "burn", "selected": "1:1"},
    ]
    answers = [client.post("/moderate/decisions", data={"csrf_token": token, **form}) for form in forms]
    assert [answer.status_code for answer in answers] == [422, 422, 404, 422, 422, 422]
    assert all(answer.json and answer.json["error"]["message"] for answer in answers)


def test_site_page_is_for_the_site_admins_only(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, make_moderator(sessions, role="moderator"))
    assert client.get("/moderate/sites/demo", headers=HTML).status_code == 404
    assert client.get("/moderate/sites/nowhere", headers=HTML).status_code == 404


def test_site_page_shows_unread_notices_until_an_admin_marks_them_read(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session, session.begin():
        notice = Notice(site_id=site.id, kind="webhook.endpoint_disabled", message="Endpoint 7 was disabled: HTTP 410.")
        session.add(notice)
        session.flush()
        notice_id = notice.id
    sign_in(client, make_moderator(sessions))
    page = client.get("/moderate/sites/demo", headers=HTML)
    assert page.status_code == 200 and "Endpoint 7 was disabled" in page.get_data(as_text=True)
    token = csrf_from(client, "/moderate/sites/demo")
    # A signed-in post without the form's token is refused with a page, never a 500.
    for path in (f"/moderate/sites/demo/notices/{notice_id}/read", "/moderate/decisions"):
        refused = client.post(path, data={}, headers=HTML)
        assert refused.status_code == 403 and "reload the page" in refused.get_data(as_text=True)
    done = client.post(f"/moderate/sites/demo/notices/{notice_id}/read", data={"csrf_token": token}, headers=HTML)
    assert done.status_code == 303
    assert "Endpoint 7 was disabled" not in client.get("/moderate/sites/demo", headers=HTML).get_data(as_text=True)
    missing = client.post("/moderate/sites/demo/notices/99999999999999999999/read", data={"csrf_token": token})
    assert missing.status_code == 404


def test_a_bulk_selection_over_the_limit_is_refused_not_cut_short(
    client: FlaskClient, site: Site, sessions: sessionmaker[Session]
) -> None:
    sign_in(client, make_moderator(sessions))
    token = csrf_from(client, "/moderate/")
    chosen = [f"{comment_id}:1" for comment_id in range(1, 502)]
    answer = client.post("/moderate/decisions", data={"csrf_token": token, "bulk": "approve", "selected": chosen})
    assert answer.status_code == 422 and "decisions" in answer.json["error"]["fields"]
