"""A moderator of one site sees and touches nothing of another: every endpoint, list and count."""

from __future__ import annotations

from flask.testing import FlaskClient

from service.storage.models import Site
from tests.integration.moderation.conftest import SeedComment, Team

auth = Team.auth


def test_every_moderation_endpoint_answers_404_for_another_sites_comment(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    foreign = seed_comment(team.other_site_id)
    mine = seed_comment(site.id)
    alice = auth(team.alice)
    calls = [
        client.get(f"/v1/moderation/comments/{foreign}", headers=alice),
        client.post(
            f"/v1/moderation/comments/{foreign}/decision", json={"action": "approve", "version": 2}, headers=alice
        ),
        client.post(f"/v1/moderation/comments/{foreign}/claim", headers=alice),
        client.post(f"/v1/moderation/comments/{foreign}/release", headers=alice),
        client.post(f"/v1/moderation/comments/{foreign}/undo", headers=alice),
        client.get("/v1/moderation/queue?site=other", headers=alice),
        client.get("/v1/moderation/audit?site=other", headers=alice),
        client.get("/v1/moderation/stats?site=other", headers=alice),
        client.get("/v1/admin/sites/other/keys", headers=auth(team.admin)),
        client.post("/v1/admin/sites/other/dry-run", json={"body": "hi"}, headers=auth(team.admin)),
    ]
    assert [call.status_code for call in calls] == [404] * len(calls)
    # The same answer as for a site that does not exist: nothing to probe.
    assert client.get("/v1/moderation/queue?site=nowhere", headers=alice).json == calls[5].json | {
        "error": {"code": "not_found", "message": "No site named 'nowhere'."}
    }
    # Bob's own comment is untouched, and Bob cannot see Alice's.
    bob = auth(team.bob)
    assert client.get(f"/v1/moderation/comments/{foreign}", headers=bob).json["version"] == 2
    assert client.get(f"/v1/moderation/comments/{mine}", headers=bob).status_code == 404


def test_lists_counts_audit_and_stats_hold_only_the_moderators_own_sites(
    client: FlaskClient, site: Site, team: Team, seed_comment: SeedComment
) -> None:
    mine = {seed_comment(site.id) for _ in range(2)}
    foreign = {seed_comment(team.other_site_id) for _ in range(3)}
    seed_comment(team.other_site_id, status="rejected")

    queue = client.get("/v1/moderation/queue?status=held,reported,rejected", headers=auth(team.alice)).json
    assert {item["id"] for item in queue["items"]} == mine
    assert queue["counts"] == {"held": 2, "reported": 0, "rejected": 0, "published": 0}
    bobs = client.get("/v1/moderation/queue", headers=auth(team.bob)).json
    assert {item["id"] for item in bobs["items"]} == foreign
    assert bobs["counts"]["held"] == 3 and bobs["counts"]["rejected"] == 1

    audit = client.get("/v1/moderation/audit", headers=auth(team.alice)).json
    assert {entry["comment_id"] for entry in audit["items"]} == mine
    stats = client.get("/v1/moderation/stats", headers=auth(team.alice)).json
    assert [entry["site"] for entry in stats["sites"]] == ["demo"]
    assert stats["sites"][0]["queue"]["held"] == 2

    # Bulk decisions on a mix decide only the caller's own comments.
    mixed = [{"id": comment_id, "action": "approve", "version": 2} for comment_id in sorted(mine | foreign)]
    bulk = client.post("/v1/moderation/decisions", json={"decisions": mixed}, headers=auth(team.alice)).json
    assert bulk["succeeded"] == 2 and bulk["failed"] == 3
    assert client.get("/v1/moderation/queue", headers=auth(team.bob)).json["counts"]["held"] == 3


def test_admin_api_is_for_a_sites_admins_only(client: FlaskClient, site: Site, team: Team) -> None:
    assert client.get("/v1/admin/sites/demo/keys", headers=auth(team.alice)).status_code == 404
    created = client.post("/v1/admin/sites/demo/keys", json={"label": "backend"}, headers=auth(team.admin))
    assert created.status_code == 201 and created.json["key"].startswith("sift_site_")
    listed = client.get("/v1/admin/sites/demo/keys", headers=auth(team.admin)).json["keys"]
    assert [key["label"] for key in listed] == ["backend"] and "key" not in listed[0]
    # The site key acts on its own site's queue, not on the admin API or other sites.
    site_key = auth(created.json["key"])
    assert client.get("/v1/moderation/queue", headers=site_key).status_code == 200
    assert client.get("/v1/moderation/queue?site=other", headers=site_key).status_code == 404
    assert client.get("/v1/admin/sites/demo/keys", headers=site_key).status_code == 403
    revoked = client.delete(f"/v1/admin/sites/demo/keys/{created.json['id']}", headers=auth(team.admin))
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert client.get("/v1/moderation/queue", headers=site_key).status_code == 401

    added = client.post(
        "/v1/admin/sites/demo/moderators", json={"email": "dan@example.org", "token": True}, headers=auth(team.admin)
    )
    assert added.status_code == 201 and added.json["token"].startswith("sift_mod_")
    assert client.get("/v1/moderation/queue", headers=auth(added.json["token"])).status_code == 200
    emails = [
        m["email"] for m in client.get("/v1/admin/sites/demo/moderators", headers=auth(team.admin)).json["moderators"]
    ]
    assert "dan@example.org" in emails and "bob@example.org" not in emails
    bad = client.post("/v1/admin/sites/demo/moderators", json={"email": "not-an-email"}, headers=auth(team.admin))
    assert bad.status_code == 422 and "email" in bad.json["error"]["fields"]
