"""Existing Akismet clients work against Sift: the same fields in, the same plain-text words out."""

from __future__ import annotations

import pytest
import redis
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import issue_site_key
from service.storage.models import Site
from tests.support import Process


@pytest.fixture
def site_key(sessions: sessionmaker[Session], site: Site) -> str:
    with sessions() as session, session.begin():
        return issue_site_key(session, session.merge(site), "akismet client")


def test_verify_key_answers_valid_only_for_a_site_key(client: FlaskClient, site_key: str) -> None:
    assert client.post("/1.1/verify-key", data={"key": site_key, "blog": "https://x"}).text == "valid"
    wrong = client.post("/1.1/verify-key", data={"key": "sift_site_wrong", "blog": "https://x"})
    assert wrong.text == "invalid"
    assert "X-akismet-debug-help" in wrong.headers


def test_comment_check_runs_the_sites_real_pipeline(client: FlaskClient, site_key: str, worker: Process) -> None:
    def check(content: str, **extra: str) -> str:
        fields = {"api_key": site_key, "blog": "https://x", "user_ip": "203.0.113.9", "comment_content": content}
        return client.post("/1.1/comment-check", data={**fields, **extra}).text

    assert check("I think the minister is wrong about tariffs.") == "false"
    assert check("buy now http://a.example http://b.example http://c.example") == "true"
    assert check("hello", comment_author_email="akismet-guaranteed-spam@example.com") == "true"


def test_comment_check_with_a_bad_key_answers_invalid(client: FlaskClient, site: Site) -> None:
    response = client.post("/1.1/comment-check", data={"api_key": "nope", "comment_content": "hi"})
    assert response.status_code == 200 and response.text == "invalid"


def test_submit_spam_and_ham_teach_the_sites_learned_filter(
    client: FlaskClient, site_key: str, redis_client: redis.Redis
) -> None:
    fields = {"api_key": site_key, "blog": "https://x", "comment_content": "cheap replica watches here"}
    assert client.post("/1.1/submit-spam", data=fields).text == "Thanks for making the web a better place."
    ham = {**fields, "comment_content": "a thoughtful reply about the budget"}
    assert client.post("/1.1/submit-ham", data=ham).text == "Thanks for making the web a better place."
    assert redis_client.hgetall("sift:bayes:demo:docs") == {b"spam": b"1", b"ham": b"1"}
    assert client.post("/1.1/submit-spam", data={**fields, "api_key": "wrong"}).text == "invalid"
