"""Perspective clients work against Sift: Perspective's request in, Perspective's answer and errors out."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import httplib2
import pytest
from flask import Flask
from flask.testing import FlaskClient
from googleapiclient import discovery
from googleapiclient.errors import HttpError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

from config.settings import REPO_ROOT, Settings
from service.storage.accounts import issue_site_key, revoke_site_key
from service.storage.models import Comment, Site, SiteApiKey

ANALYZE = "/v1alpha1/comments:analyze"
INSULT = "You are a pathetic idiot and everyone here knows it."
POLITE = "Thank you for the thoughtful article; I learned a lot about the budget."


@pytest.fixture
def site_key(sessions: sessionmaker[Session], site: Site) -> str:
    with sessions() as session, session.begin():
        return issue_site_key(session, session.merge(site), "coral")


def analyze(client: FlaskClient, key: str, body: dict[str, Any]) -> Any:
    return client.post(f"{ANALYZE}?key={key}", json=body)


def coral_request(text: str, language: str = "en") -> dict[str, Any]:
    """The body Coral Talk sends (services/perspective/perspective.ts, formatBody for comments:analyze)."""
    return {
        "comment": {"text": text},
        "doNotStore": True,
        "requestedAttributes": {"TOXICITY": {}},
        "languages": [language],
    }


def test_coral_talks_request_gets_a_toxicity_probability(client: FlaskClient, site_key: str) -> None:
    response = analyze(client, site_key, coral_request(INSULT))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body["attributeScores"]) == {"TOXICITY"}
    summary = body["attributeScores"]["TOXICITY"]["summaryScore"]
    assert summary["type"] == "PROBABILITY" and 0.0 <= summary["value"] <= 1.0
    assert "spanScores" not in body["attributeScores"]["TOXICITY"]
    assert body["languages"] == ["en"] and body["detectedLanguages"] == ["en"]
    assert response.headers["X-Sift-Model-Version"]


def test_an_insult_scores_higher_than_a_polite_sentence(client: FlaskClient, site_key: str) -> None:
    def scores(text: str) -> dict[str, float]:
        body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}}
        answered = analyze(client, site_key, body).get_json()["attributeScores"]
        return {name: answered[name]["summaryScore"]["value"] for name in answered}

    insult, polite = scores(INSULT), scores(POLITE)
    assert insult["INSULT"] > polite["INSULT"]
    assert insult["TOXICITY"] > polite["TOXICITY"]


def test_every_attribute_is_served_with_spans_inside_the_text(client: FlaskClient, site_key: str) -> None:
    names = ["TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY", "THREAT", "SEXUALLY_EXPLICIT"]
    text = "Ünïcode first: " + INSULT
    body = {
        "comment": {"text": text},
        "requestedAttributes": {name: {} for name in [*names, "SPAM"]},
        "spanAnnotations": True,
        "clientToken": "comment:42",
    }
    answered = analyze(client, site_key, body).get_json()
    assert answered["clientToken"] == "comment:42"
    assert set(answered["attributeScores"]) == {*names, "SPAM"}
    for scores in answered["attributeScores"].values():
        assert scores["spanScores"], "spanAnnotations asks for span scores"
        for span in scores["spanScores"]:
            assert 0 <= span["begin"] < span["end"] <= len(text)
            assert span["score"]["type"] == "PROBABILITY" and 0.0 <= span["score"]["value"] <= 1.0


def test_a_score_threshold_leaves_out_lower_scores(client: FlaskClient, site_key: str) -> None:
    body = {"comment": {"text": POLITE}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.99}, "SPAM": {}}}
    assert set(analyze(client, site_key, body).get_json()["attributeScores"]) == {"SPAM"}


def test_snake_case_fields_are_read_like_camel_case(client: FlaskClient, site_key: str) -> None:
    body = {"comment": {"text": INSULT}, "requested_attributes": {"INSULT": {}}, "client_token": "t"}
    answered = analyze(client, site_key, body).get_json()
    assert set(answered["attributeScores"]) == {"INSULT"} and answered["clientToken"] == "t"


@pytest.mark.parametrize(
    ("body", "status", "error_type", "words"),
    [
        ({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}, 400, "COMMENT_EMPTY", "non-empty"),
        ({"requestedAttributes": {"TOXICITY": {}}}, 400, "COMMENT_EMPTY", "non-empty"),
        (
            {"comment": {"text": "x" * 20_481}, "requestedAttributes": {"TOXICITY": {}}},
            400,
            "COMMENT_TOO_LONG",
            "20480",
        ),
        (
            {"comment": {"text": "é" * 10_241}, "requestedAttributes": {"TOXICITY": {}}},
            400,
            "COMMENT_TOO_LONG",
            "bytes",
        ),
        (
            {"comment": {"text": "bonjour"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["fr"]},
            400,
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            "does not support request languages: fr",
        ),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}}, 400, None, "FLIRTATION"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {}}, 400, None, "requestedAttributes"),
        ({"comment": {"text": "hi"}}, 400, None, "requestedAttributes"),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreType": "STD_DEV_SCORE"}}},
            400,
            None,
            "PROBABILITY",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}},
            400,
            None,
            "between 0 and 1",
        ),
        ({"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}}, 400, None, "comment.text"),
        ({"comment": "hi", "requestedAttributes": ["TOXICITY"]}, 400, None, "Invalid JSON payload"),
    ],
)
def test_bad_requests_get_perspectives_errors(
    client: FlaskClient, site_key: str, body: dict[str, Any], status: int, error_type: str | None, words: str
) -> None:
    response = analyze(client, site_key, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == status and error["status"] == "INVALID_ARGUMENT"
    assert words in error["message"]
    if error_type is None:
        assert "details" not in error
    else:
        assert error["details"][0]["errorType"] == error_type
        assert error["details"][0]["@type"] == "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"


def test_an_unsupported_language_can_drop_its_attributes(client: FlaskClient, site_key: str) -> None:
    body = {
        "comment": {"text": "bonjour"},
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["fr"],
        "dropUnsupportedAttributes": True,
    }
    answered = analyze(client, site_key, body).get_json()
    assert answered["attributeScores"] == {} and answered["languages"] == ["fr"]


def test_english_in_any_spelling_is_served(client: FlaskClient, site_key: str) -> None:
    for language in ("en-US", "EN", "en_GB"):
        response = analyze(client, site_key, coral_request(POLITE, language))
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["languages"] == [language]


@pytest.mark.parametrize(
    ("send", "status", "google_status"),
    [
        ({"data": "not json", "content_type": "application/json"}, 400, "INVALID_ARGUMENT"),
        ({"data": "[1, 2]", "content_type": "application/json"}, 400, "INVALID_ARGUMENT"),
        ({"data": "", "content_type": "application/json"}, 400, "INVALID_ARGUMENT"),
        ({"data": b"\xff\xfe", "content_type": "application/json"}, 400, "INVALID_ARGUMENT"),
        ({"data": "comment=hi", "content_type": "application/x-www-form-urlencoded"}, 415, "INVALID_ARGUMENT"),
        ({"data": "x" * 70_000, "content_type": "application/json"}, 413, "INVALID_ARGUMENT"),
    ],
)
def test_malformed_bodies_get_google_shaped_errors_not_500(
    client: FlaskClient, site_key: str, send: dict[str, Any], status: int, google_status: str
) -> None:
    response = client.post(f"{ANALYZE}?key={site_key}", **send)
    assert response.status_code == status
    assert response.get_json()["error"]["status"] == google_status


def test_a_missing_or_wrong_key_is_refused(client: FlaskClient, site: Site) -> None:
    missing = client.post(ANALYZE, json=coral_request(POLITE))
    assert missing.status_code == 403 and missing.get_json()["error"]["status"] == "PERMISSION_DENIED"
    wrong = client.post(f"{ANALYZE}?key=sift_site_nope", json=coral_request(POLITE))
    assert wrong.status_code == 400 and "API key not valid" in wrong.get_json()["error"]["message"]


def test_a_revoked_key_is_refused(client: FlaskClient, site_key: str, sessions: sessionmaker[Session]) -> None:
    assert analyze(client, site_key, coral_request(POLITE)).status_code == 200
    with sessions() as session, session.begin():
        key = session.scalars(select(SiteApiKey)).one()
        revoke_site_key(session, session.get_one(Site, key.site_id), key.id)
    assert analyze(client, site_key, coral_request(POLITE)).status_code == 400


def test_nothing_is_stored_whatever_do_not_store_says(
    client: FlaskClient, site_key: str, sessions: sessionmaker[Session]
) -> None:
    for do_not_store in (True, False):
        body = {**coral_request(INSULT), "doNotStore": do_not_store}
        assert analyze(client, site_key, body).status_code == 200
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_coral_suggest_score_is_accepted_and_keeps_nothing(client: FlaskClient, site_key: str) -> None:
    body = {
        "comment": {"text": INSULT},
        "attributeScores": {"TOXICITY": {"summaryScore": {"value": 1}}},
        "languages": ["en"],
        "communityId": "Coral:https://news.example",
        "clientToken": "comment:7",
    }
    response = client.post(f"/v1alpha1/comments:suggestscore?key={site_key}", json=body)
    assert response.status_code == 200 and response.get_json() == {"clientToken": "comment:7"}


def test_each_site_key_is_rate_limited_and_counted_in_metrics(
    settings: Settings, site: Site, sessions: sessionmaker[Session], clean: None
) -> None:
    from service.app import create_app

    app = create_app(dataclasses.replace(settings, rate_limit_analyze="2/minute"))
    with sessions() as session, session.begin():
        first = issue_site_key(session, session.merge(site), "first")
        second = issue_site_key(session, session.merge(site), "second")
    client = app.test_client()
    answers = [analyze(client, first, coral_request(POLITE)) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.get_json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert analyze(client, second, coral_request(POLITE)).status_code == 200, "another key has its own quota"
    metrics = client.get("/metrics").text
    assert 'sift_rate_limited_total{scope="analyze"}' in metrics
    assert 'sift_analyze_requests_total{outcome="ok",site="demo"}' in metrics


def test_the_discovery_document_names_this_server(client: FlaskClient) -> None:
    document = client.get("/$discovery/rest?version=v1alpha1").get_json()
    assert document["name"] == "commentanalyzer" and document["version"] == "v1alpha1"
    assert document["rootUrl"] == "http://localhost/"
    method = document["resources"]["comments"]["methods"]["analyze"]
    assert method["path"] == "v1alpha1/comments:analyze" and method["httpMethod"] == "POST"
    unknown = client.get("/$discovery/rest?version=v2")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["status"] == "NOT_FOUND"


@pytest.fixture
def live_url(app: Flask, clean: None) -> Iterator[str]:
    """The app on a real loopback port (werkzeug's threaded server), for clients that open sockets."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def google_client(base_url: str, key: str) -> Any:
    """Google's own client, built from Sift's discovery document; no proxy, so nothing leaves 127.0.0.1."""
    return discovery.build(
        "commentanalyzer",
        "v1alpha1",
        discoveryServiceUrl=f"{base_url}/$discovery/rest?version=v1alpha1",
        developerKey=key,
        http=httplib2.Http(timeout=30, proxy_info=None),
        cache_discovery=False,
        static_discovery=False,
    )


def test_googles_python_client_works_unchanged(live_url: str, site_key: str) -> None:
    analyzer = google_client(live_url, site_key)
    request = {"comment": {"text": INSULT}, "requestedAttributes": {"TOXICITY": {}, "INSULT": {}}, "languages": ["en"]}
    response = analyzer.comments().analyze(body=request).execute()
    assert set(response["attributeScores"]) == {"TOXICITY", "INSULT"}
    assert 0.0 <= response["attributeScores"]["INSULT"]["summaryScore"]["value"] <= 1.0

    with pytest.raises(HttpError) as refused:
        analyzer.comments().analyze(body={"comment": {"text": "hi"}, "requestedAttributes": {"NOPE": {}}}).execute()
    assert refused.value.resp.status == 400
    assert json.loads(refused.value.content)["error"]["status"] == "INVALID_ARGUMENT"

    with pytest.raises(HttpError) as wrong_key:
        google_client(live_url, "sift_site_wrong").comments().analyze(body=request).execute()
    assert wrong_key.value.resp.status == 400


def test_the_web_process_never_imports_better_profanity(service_env: dict[str, str], site: Site) -> None:
    """Analyses are scored in the web process, which must stay free of better-profanity's 5 MB at import."""
    script = f"""
import sys
from config.settings import Settings
from service.app import create_app
from service.storage.accounts import issue_site_key
from service.storage.models import Site
from sqlalchemy import select

app = create_app(Settings.from_env())
with app.extensions["sift"].sessions() as session, session.begin():
    key = issue_site_key(session, session.scalars(select(Site)).one(), "probe")
client = app.test_client()
body = {{"comment": {{"text": {INSULT!r}}}, "requestedAttributes": {{"TOXICITY": {{}}, "PROFANITY": {{}}}}}}
answer = client.post("{ANALYZE}?key=" + key, json=body)
assert answer.status_code == 200, answer.get_data(as_text=True)
print("better_profanity" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], env=service_env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
