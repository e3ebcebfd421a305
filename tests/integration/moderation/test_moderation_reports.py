"""Reader reports: distinct readers send a published comment back to the queue; one reader counts once."""

from __future__ import annotations

from flask.testing import FlaskClient

from service.storage.models import Site
from tests.integration.moderation.conftest import SeedComment, Team

auth = Team.auth


def report(client: FlaskClient, comment_id: int, address: str, reason: str = "insulting") -> int:
    response = client.post(
        f"/v1/comments/{comment_id}/reports", json={"reason": reason}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def status(client: FlaskClient, team: Team, comment_id: int) -> str:
    return str(client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.alice)).json["status"])


def test_the_third_distinct_reader_sends_a_published_comment_to_the_queue(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id, status="published", verdicts=())
    assert report(client, comment_id, "192.0.2.1") == 202
    assert report(client, comment_id, "192.0.2.2") == 202
    assert status(client, team, comment_id) == "published"
    assert report(client, comment_id, "192.0.2.3") == 202
    assert status(client, team, comment_id) == "reported"

    queue = client.get("/v1/moderation/queue", headers=auth(team.alice)).json
    assert [item["id"] for item in queue["items"]] == [comment_id] and queue["counts"]["reported"] == 1
    detail = client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.alice)).json
    assert detail["report_count"] == 3 and len(detail["reports"]) == 3
    assert detail["audit"][-1]["reason"] == "3 readers reported it (site threshold 3)"

    # Approved back: the same readers cannot send it straight back.
    approved = client.post(
        f"/v1/moderation/comments/{comment_id}/decision",
        json={"action": "approve", "version": detail["version"]},
        headers=auth(team.alice),
    )
    assert approved.json["status"] == "published"
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        report(client, comment_id, address)
    assert status(client, team, comment_id) == "published"


def test_repeated_reports_from_one_address_count_once(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    comment_id = seed_comment(site.id, status="published", verdicts=())
    for _ in range(5):
        assert report(client, comment_id, "192.0.2.50") == 202
    assert status(client, team, comment_id) == "published"
    detail = client.get(f"/v1/moderation/comments/{comment_id}", headers=auth(team.alice)).json
    assert detail["report_count"] == 1


def test_reports_are_rate_limited_per_address_and_refused_for_unpublished_comments(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    held = seed_comment(site.id)
    assert report(client, held, "192.0.2.60") == 404
    assert client.post(f"/v1/comments/{held}/reports", json={}).status_code == 422
    published = [seed_comment(site.id, status="published", verdicts=()) for _ in range(11)]
    codes = [report(client, comment_id, "192.0.2.61") for comment_id in published]
    assert codes[:9] == [202] * 9
    limited = client.post(
        f"/v1/comments/{published[-1]}/reports", json={"reason": "x"}, environ_base={"REMOTE_ADDR": "192.0.2.61"}
    )
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    # Another reader is not limited by the first one's reports.
    assert report(client, published[0], "192.0.2.62") == 202
