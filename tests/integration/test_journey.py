"""A comment's journey on real components: intake, a real Celery worker, the thread."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.models import AuditEntry, Comment, Site, Verdict
from tests.support import Process, wait_for


def status_of(sessions: sessionmaker[Session], comment_id: int) -> str:
    with sessions() as session:
        return session.scalar(select(Comment.status).where(Comment.id == comment_id)) or ""


def post(client: FlaskClient, body: str, thread: str = "article-1", **fields: object) -> int:
    response = client.post("/v1/sites/demo/comments", json={"thread": thread, "body": body, **fields})
    assert response.status_code == 202, response.json
    return int(response.json["id"])


def test_clean_comment_is_published_and_three_links_are_held(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    clean = post(client, "I disagree with the editorial, but it was well argued.", author_name="Ana")
    links = post(client, "Visit http://a.example http://b.example and http://c.example now")

    wait_for(lambda: status_of(sessions, clean) == "published", what="clean comment published")
    wait_for(lambda: status_of(sessions, links) == "held", what="three-link comment held")

    with sessions() as session:
        reasons = session.scalars(select(Verdict.reason).where(Verdict.comment_id == links)).all()
    assert "3 links (site allows 1)" in reasons

    thread = client.get("/v1/sites/demo/threads/article-1/comments").json
    assert [c["id"] for c in thread["comments"]] == [clean]
    assert thread["comments"][0]["author_name"] == "Ana"


def test_status_url_answers_only_with_the_receipt(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    response = client.post("/v1/sites/demo/comments", json={"thread": "t", "body": "Nice piece."})
    status_url = response.json["status_url"]
    wait_for(lambda: client.get(status_url).json["status"] == "published", what="status published")
    forged = status_url.split("receipt=")[0] + "receipt=AAAAAAAAAAAAAAAAAAAAAAAA"
    assert client.get(forged).status_code == 404


def test_a_receipt_with_characters_outside_ascii_is_a_404_not_a_500(client: FlaskClient, site: Site) -> None:
    # What schemathesis sent: a control character, then U+008F, percent-encoded as UTF-8.
    comment_id = client.post("/v1/sites/demo/comments", json={"thread": "t", "body": "Nice piece."}).json["id"]
    for receipt in ("%0D%158r%C2%8F", "%C3%A9t%C3%A9", "%F0%9F%98%80" * 4):
        answer = client.get(f"/v1/comments/{comment_id}/status?receipt={receipt}")
        assert answer.status_code == 404, receipt
        assert answer.json["error"]["code"] == "not_found"


def test_replies_are_nested_under_their_parent(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    parent = post(client, "First!")
    wait_for(lambda: status_of(sessions, parent) == "published")
    reply = post(client, "A thoughtful reply.", parent=parent)
    wait_for(lambda: status_of(sessions, reply) == "published")
    thread = client.get("/v1/sites/demo/threads/article-1/comments").json
    assert [c["id"] for c in thread["comments"]] == [parent]
    assert [r["id"] for r in thread["comments"][0]["replies"]] == [reply]


def test_thread_etag_answers_not_modified_until_a_comment_arrives(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    first = client.get("/v1/sites/demo/threads/article-1/comments")
    etag = first.headers["ETag"]
    assert client.get("/v1/sites/demo/threads/article-1/comments", headers={"If-None-Match": etag}).status_code == 304
    comment = post(client, "Something new.")
    wait_for(lambda: status_of(sessions, comment) == "published")
    after = client.get("/v1/sites/demo/threads/article-1/comments", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.json["count"] == 1


def test_task_delivered_twice_gives_one_decision_and_one_audit_row(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    from service.app import create_app  # noqa: F401 - the app's celery sends by task name
    from workers import names

    comment_id = post(client, "Deliver me twice.")
    wait_for(lambda: status_of(sessions, comment_id) == "published")
    celery = client.application.extensions["sift"].celery
    celery.send_task(names.MODERATE_COMMENT, args=[comment_id])
    celery.send_task(names.MODERATE_COMMENT, args=[comment_id])
    marker = post(client, "A later comment, decided after the duplicates were consumed.")
    wait_for(lambda: status_of(sessions, marker) == "published")
    with sessions() as session:
        audits = session.scalar(select(func.count()).where(AuditEntry.comment_id == comment_id))
        verdict_rows = session.scalar(select(func.count()).where(Verdict.comment_id == comment_id))
        version = session.scalar(select(Comment.version).where(Comment.id == comment_id))
    assert audits == 1
    assert verdict_rows == 0  # a clean comment has no verdicts, however often it is run
    assert version == 2


def test_comment_committed_but_never_enqueued_is_published_by_the_sweeper(
    client: FlaskClient,
    site: Site,
    worker: Process,
    sessions: sessionmaker[Session],
    service_env: dict[str, str],
    tmp_root: object,
) -> None:
    from service.storage.models import Comment as CommentRow

    # The crash: the row is committed, the process dies before it enqueues.
    with sessions() as session, session.begin():
        row = CommentRow(site_id=site.id, thread="article-1", body="Lost in a crash, found by the sweeper.")
        session.add(row)
    from tests.support import BIN
    from tests.support import Process as Proc

    beat = Proc(
        "beat",
        [
            str(BIN / "celery"),
            "-A",
            "workers.celery_app",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            f"{tmp_root}/beat-schedule",
        ],
        service_env,
        tmp_root,
    ).start()  # type: ignore[arg-type]
    try:
        wait_for(lambda: status_of(sessions, row.id) == "published", timeout=30, what="sweeper re-enqueue")
    finally:
        beat.stop()
    with sessions() as session:
        assert session.scalar(select(CommentRow.enqueue_count).where(CommentRow.id == row.id)) >= 1


def test_a_decided_comment_keeps_every_attribute_score_and_moderators_see_them(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    from service.storage.accounts import create_moderator
    from workers.filters.model.scores import ATTRIBUTES

    with sessions() as session, session.begin():
        token = create_moderator(session, "mo@example.org", "demo", "moderator", "correct horse battery", True).token
    polite = post(client, "Thank you for the careful reporting on the council budget.")
    insult = post(client, "You are a pathetic moron and everyone here knows it.")
    wait_for(lambda: status_of(sessions, polite) == "published", what="polite comment published")
    wait_for(lambda: status_of(sessions, insult) == "held", what="insult held")

    headers = {"Authorization": f"Bearer {token}"}
    detail = client.get(f"/v1/moderation/comments/{insult}", headers=headers).json
    assert set(detail["scores"]) == set(ATTRIBUTES)
    assert "model-insult" in {verdict["filter_id"] for verdict in detail["verdicts"]}
    queue = client.get("/v1/moderation/queue", headers=headers).json
    assert [item["scores"]["insult"] for item in queue["items"] if item["id"] == insult] == [detail["scores"]["insult"]]
    with sessions() as session:
        polite_scores = session.scalar(select(Comment.scores).where(Comment.id == polite))
    assert polite_scores is not None
    assert polite_scores["insult"] < 0.5 < detail["scores"]["insult"]
