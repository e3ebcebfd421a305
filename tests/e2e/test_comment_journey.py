"""A comment's journey over real HTTP: gunicorn, a Celery worker, PostgreSQL and Redis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import Comment
from tests.support import wait_for

pytestmark = pytest.mark.slow

COMMENTS = "/v1/sites/demo/comments"


def submit(http: httpx.Client, body: str, thread: str = "article-1", **fields: Any) -> dict[str, Any]:
    response = http.post(COMMENTS, json={"thread": thread, "body": body, **fields})
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    assert accepted["status"] == "received"
    assert response.headers["Location"] == accepted["status_url"]
    return accepted


def wait_for_status(http: httpx.Client, accepted: dict[str, Any], status: str) -> dict[str, Any]:
    """Poll the comment's status URL, as the author's page would, until it reaches `status`."""

    def current() -> dict[str, Any] | None:
        answer: dict[str, Any] = http.get(accepted["status_url"]).json()
        return answer if answer["status"] == status else None

    return wait_for(current, timeout=30, interval=0.2, what=f"comment {accepted['id']} {status}")


def thread(http: httpx.Client, name: str = "article-1") -> dict[str, Any]:
    response = http.get(f"/v1/sites/demo/threads/{name}/comments")
    assert response.status_code == 200, response.text
    payload: dict[str, Any] = response.json()
    return payload


def test_clean_comment_is_published_and_three_link_comment_is_held(http: httpx.Client) -> None:
    clean = submit(http, "I disagree with the editorial, but it was well argued.", author_name="Ana")
    spammy = submit(http, "Cheap deals at http://a.example http://b.example and http://c.example today")

    assert wait_for_status(http, clean, "published")["reasons"] == []
    held = wait_for_status(http, spammy, "held")
    assert held["reasons"] == ["Your comment is waiting for a moderator."]

    shown = thread(http)
    assert shown["count"] == 1
    assert [(c["id"], c["author_name"]) for c in shown["comments"]] == [(clean["id"], "Ana")]


def test_status_url_works_only_with_its_receipt(http: httpx.Client) -> None:
    accepted = submit(http, "Good reporting, thank you.")
    assert accepted["status_url"].startswith(str(http.base_url).rstrip("/") + f"/v1/comments/{accepted['id']}/status")
    wait_for_status(http, accepted, "published")
    assert http.get(f"/v1/comments/{accepted['id']}/status").status_code == 422
    forged = http.get(f"/v1/comments/{accepted['id']}/status", params={"receipt": "A" * 24})
    assert forged.status_code == 404
    assert forged.json()["error"]["code"] == "not_found"


def test_replies_are_nested_and_the_etag_changes_only_when_the_thread_does(http: httpx.Client) -> None:
    parent = submit(http, "First, a point about the sanctions.", thread="nested")
    wait_for_status(http, parent, "published")
    first = http.get("/v1/sites/demo/threads/nested/comments")
    etag = first.headers["ETag"]
    unchanged = http.get("/v1/sites/demo/threads/nested/comments", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    reply = submit(http, "A reply that adds a source.", thread="nested", parent=parent["id"])
    wait_for_status(http, reply, "published")
    changed = http.get("/v1/sites/demo/threads/nested/comments", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    tree = changed.json()["comments"]
    assert [c["id"] for c in tree] == [parent["id"]]
    assert [r["id"] for r in tree[0]["replies"]] == [reply["id"]]


def test_plain_html_form_post_redirects_back_to_the_article(http: httpx.Client) -> None:
    page_url = f"{str(http.base_url).rstrip('/')}/demo"
    response = http.post(
        COMMENTS,
        data={
            "thread": "form-thread",
            "page_url": page_url,
            "body": "Posted from a plain HTML form, no JavaScript.",
            "author_name": "Bo",
            "website_url": "",
        },
    )
    assert response.status_code == 303, response.text
    location = response.headers["Location"]
    assert location.startswith(page_url + "#sift-comment-")
    comment_id = int(location.rsplit("-", 1)[1])

    def published() -> bool:
        return any(c["id"] == comment_id for c in thread(http, "form-thread")["comments"])

    wait_for(published, timeout=30, interval=0.2, what="form comment published")
    assert thread(http, "form-thread")["comments"][0]["author_name"] == "Bo"


def test_demo_article_page_has_the_comment_form(http: httpx.Client) -> None:
    page = http.get("/demo")
    assert page.status_code == 200
    assert "Leave a Comment" in page.text
    assert 'action="/v1/sites/demo/comments"' in page.text


def test_service_reports_ready(http: httpx.Client) -> None:
    ready = http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_comments_posted_at_once_each_get_their_own_id_and_are_all_decided(
    http: httpx.Client, sessions: sessionmaker[Session]
) -> None:
    """Comments in flight together share one INSERT and one LPUSH (group commit): each author still gets their own id,
    and every comment of every group reaches the workers."""
    bodies = [f"Reader {n} thinks the council vote was a mistake, for reason number {n}." for n in range(40)]

    def post(body: str) -> dict[str, Any]:
        with httpx.Client(base_url=str(http.base_url), timeout=60) as own:
            return submit(own, body, thread="article-busy")

    with ThreadPoolExecutor(max_workers=20) as pool:
        accepted = list(pool.map(post, bodies))

    ids = [a["id"] for a in accepted]
    assert len(set(ids)) == len(bodies)

    def stored() -> dict[int, tuple[str, str]]:
        with sessions() as session:
            rows = session.execute(select(Comment.id, Comment.body, Comment.status).where(Comment.id.in_(ids)))
            return {row.id: (row.body, row.status) for row in rows}

    # Near-identical comments from one address may be held as a flood; what matters is that each was decided.
    decided = wait_for(
        lambda: (found := stored()) and all(status != "received" for _, status in found.values()) and found,
        timeout=60,
        what="all 40 decided",
    )
    assert [decided[comment_id][0] for comment_id in ids] == bodies
