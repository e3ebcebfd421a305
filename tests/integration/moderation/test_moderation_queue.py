"""The review queue: filters, sorting, and cursor pages that survive new arrivals."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient

from service.storage.models import Site, utcnow
from tests.integration.moderation.conftest import SeedComment, Team

auth = Team.auth


def test_cursor_pages_neither_repeat_nor_skip_while_comments_arrive(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    start = utcnow() - dt.timedelta(hours=1)
    existing = [seed_comment(site.id, created_at=start + dt.timedelta(minutes=i)) for i in range(7)]
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        url = "/v1/moderation/queue?sort=oldest&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=auth(team.alice)).json
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        if pages == 1:
            # New comments arrive, and one on the first page is decided, mid-listing.
            seed_comment(site.id)
            seed_comment(site.id)
            first = page["items"][0]
            client.post(
                f"/v1/moderation/comments/{first['id']}/decision",
                json={"action": "approve", "version": first["version"]},
                headers=auth(team.alice),
            )
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen[:7] == existing
    assert len(seen) == len(set(seen)) == 9


def test_queue_filters_by_status_filter_category_and_date_and_sorts_by_score(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    old = seed_comment(site.id, created_at=utcnow() - dt.timedelta(days=3))
    links = seed_comment(site.id, verdicts=(("links", "spam", "hold", 0.5, "3 links (site allows 1)"),))
    rude = seed_comment(site.id, body="you idiot", verdicts=(("profanity", "abuse", "hold", 0.9, "profanity: idiot"),))
    rejected = seed_comment(site.id, status="rejected")
    alice = auth(team.alice)

    def ids(query: str) -> list[int]:
        response = client.get(f"/v1/moderation/queue?{query}", headers=alice)
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json["items"]]

    assert ids("") == [old, links, rude]
    assert ids("sort=newest") == [rude, links, old]
    assert ids("sort=score") == [rude, old, links]
    assert ids("category=abuse") == [rude]
    assert ids("filter_id=links") == [old, links]
    assert ids("status=rejected") == [rejected]
    since = (utcnow() - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert ids(f"since={since}") == [links, rude]
    item = client.get("/v1/moderation/queue?category=abuse", headers=alice).json["items"][0]
    assert item["reasons"] == ["profanity: idiot"]
    assert item["verdicts"][0]["spans"] == [[0, 3]]


def test_detail_shows_the_authors_history_and_why_the_comment_is_held(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    for status in ("published", "published", "rejected"):
        seed_comment(site.id, status=status, author_email="spammer@example.org", client_ip="203.0.113.9")
    seed_comment(site.id, status="rejected", client_ip="203.0.113.9")
    held = seed_comment(site.id, author_email="spammer@example.org", client_ip="203.0.113.9")
    detail = client.get(f"/v1/moderation/comments/{held}", headers=auth(team.alice)).json
    assert detail["author_history"] == {
        "by_email": {"published": 2, "rejected": 1},
        "by_ip": {"published": 2, "rejected": 2},
    }
    assert detail["verdicts"][0]["reason"] == "2 links (site allows 1)"
    assert detail["body"].startswith("Buy cheap pills")
    assert detail["audit"][0]["to_status"] == "held"


def test_stats_show_decisions_per_day_and_how_often_each_filter_is_overturned(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    approved, rejected = seed_comment(site.id), seed_comment(site.id)
    seed_comment(site.id)  # held, not yet decided: not counted
    for comment_id, action in ((approved, "approve"), (rejected, "spam")):
        client.post(
            f"/v1/moderation/comments/{comment_id}/decision",
            json={"action": action, "version": 2},
            headers=auth(team.alice),
        )
    stats = client.get("/v1/moderation/stats?site=demo", headers=auth(team.alice)).json["sites"][0]
    assert stats["filters"] == [{"filter_id": "links", "reviewed": 2, "overturned": 1, "overturn_rate": 0.5}]
    assert sum(stats["decisions_per_day"].values()) == 2
    assert stats["queue"]["held"] == 1
