"""Perspective clients against gunicorn as an operator runs it: Coral Talk's request and Google's own client."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import issue_site_key
from service.storage.models import Site
from tests.integration.test_perspective import google_client

pytestmark = pytest.mark.slow


@pytest.fixture
def site_key(http: httpx.Client, site: Site, sessions: sessionmaker[Session]) -> str:
    with sessions() as session, session.begin():
        return issue_site_key(session, session.merge(site), "coral")


def test_coral_talks_request_over_http(http: httpx.Client, site_key: str) -> None:
    # Coral appends /comments:analyze to its configured endpoint and sets ?key= (perspective.ts).
    body = {
        "comment": {"text": "You are a pathetic idiot."},
        "doNotStore": True,
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
    }
    response = http.post("/v1alpha1/comments:analyze", params={"key": site_key}, json=body)
    assert response.status_code == 200
    summary = response.json()["attributeScores"]["TOXICITY"]["summaryScore"]
    assert summary["type"] == "PROBABILITY" and 0.0 <= summary["value"] <= 1.0

    refused = http.post("/v1alpha1/comments:analyze", params={"key": site_key}, content=b"{", headers=JSON)
    assert refused.status_code == 400 and refused.json()["error"]["status"] == "INVALID_ARGUMENT"


JSON = {"Content-Type": "application/json"}


def test_googles_client_against_gunicorn(api_url: str, site_key: str) -> None:
    analyzer = google_client(api_url, site_key)
    request = {"comment": {"text": "Thanks, a fair summary."}, "requestedAttributes": {"INSULT": {}, "SPAM": {}}}
    answer = analyzer.comments().analyze(body=request).execute()
    assert set(answer["attributeScores"]) == {"INSULT", "SPAM"}
    suggestion = {"comment": {"text": "x"}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}}}
    assert analyzer.comments().suggestscore(body={**suggestion, "clientToken": "c:1"}).execute() == {
        "clientToken": "c:1"
    }
