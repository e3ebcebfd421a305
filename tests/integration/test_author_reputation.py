"""An author's reputation on real components: their earlier comments in PostgreSQL, a real Celery worker."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.storage.accounts import create_site
from service.storage.models import Comment, Site, Verdict
from tests.support import Process, wait_for
from workers.tasks.moderation import AUTHOR_HISTORY_LIMIT, load_author_histories, load_author_history

EMAIL = "returning@example.org"
THREE_LINKS = "Sources: http://a.example http://b.example http://c.example"


def store_history(sessions: sessionmaker[Session], site_id: int, statuses: list[str], email: str = EMAIL) -> None:
    """Store decided comments by one author, oldest first."""
    with sessions() as session, session.begin():
        session.add_all(
            Comment(site_id=site_id, thread="older", body=f"Earlier comment {n}.", author_email=email, status=status)
            for n, status in enumerate(statuses)
        )


def decide(client: FlaskClient, sessions: sessionmaker[Session], body: str) -> tuple[str, dict[str, str]]:
    """Post a comment as the returning author; return its status and its verdicts' reasons by filter."""
    response = client.post("/v1/sites/demo/comments", json={"thread": "t", "body": body, "author_email": EMAIL})
    assert response.status_code == 202, response.json
    comment_id = int(response.json["id"])

    def decided() -> str:
        with sessions() as session:
            status = session.scalar(select(Comment.status).where(Comment.id == comment_id))
        return status if status != "received" else ""

    status = wait_for(decided, what="comment decided")
    with sessions() as session:
        rows = session.execute(select(Verdict.filter_id, Verdict.reason).where(Verdict.comment_id == comment_id))
        reasons = {filter_id: reason for filter_id, reason in rows}
    return status, reasons


def test_an_author_with_more_rejected_than_approved_comments_is_held(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session, session.begin():
        other_site = create_site(session, "elsewhere", "Elsewhere").id
    # Approvals on another site and by another author are not this author's record here.
    store_history(sessions, other_site, ["published"] * 5)
    store_history(sessions, site.id, ["published"] * 5, email="someone-else@example.org")
    store_history(sessions, site.id, ["rejected", "published", "rejected", "held", "received"])

    status, reasons = decide(client, sessions, "I still think the council got the budget wrong.")

    assert status == "held"
    assert reasons["author-reputation"] == "author has 2 rejected and 1 approved comments on this site"


def test_only_the_authors_latest_decided_comments_count(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    # Rejections long ago, then a full window of approved comments: the author is trusted now,
    # so a spam hold (three links) is lifted. Counting the whole history would keep the rejections.
    store_history(sessions, site.id, ["rejected"] * 3 + ["published"] * AUTHOR_HISTORY_LIMIT)

    status, reasons = decide(client, sessions, THREE_LINKS)

    assert status == "published"
    assert reasons["links"].endswith("(published: trusted author)")
    assert "author-reputation" not in reasons


def test_a_batch_reads_each_authors_history_as_one_comment_at_a_time_would(
    site: Site, sessions: sessionmaker[Session]
) -> None:
    with sessions() as session, session.begin():
        other_site = create_site(session, "elsewhere", "Elsewhere").id
    store_history(sessions, other_site, ["published"] * 3)
    store_history(sessions, site.id, ["rejected", "published", "rejected", "held", "received"])
    store_history(sessions, site.id, ["published"] * (AUTHOR_HISTORY_LIMIT + 3), email="prolific@example.org")
    with sessions() as session, session.begin():
        session.add_all(
            Comment(site_id=site.id, thread="older", body="By address.", client_ip="198.51.100.7", status=status)
            for status in ("held", "held", "published")
        )
        batch = [
            Comment(site_id=site.id, thread="t", body="New.", author_email=EMAIL),
            Comment(site_id=site.id, thread="t", body="New.", author_email="prolific@example.org"),
            Comment(site_id=site.id, thread="t", body="New.", client_ip="198.51.100.7"),
            Comment(site_id=site.id, thread="t", body="New.", author_email="newcomer@example.org"),
            Comment(site_id=site.id, thread="t", body="New.", author_email=EMAIL),
            Comment(site_id=other_site, thread="t", body="New.", author_email=EMAIL),
            Comment(site_id=site.id, thread="t", body="Nobody."),
        ]
        session.add_all(batch)
        session.flush()
        together = load_author_histories(session, batch)
        one_by_one = [load_author_history(session, comment) for comment in batch]
    assert together == one_by_one
    assert (together[0].rejected, together[0].approved, together[0].held) == (2, 1, 1)
    assert together[1].approved == AUTHOR_HISTORY_LIMIT
    assert (together[2].held, together[2].approved) == (2, 1)
    assert together[5].approved == 3
