"""Retention and erasure on the real database: the beat task on a real worker, and `sift privacy erase`."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.commands.privacy import privacy
from service.storage.models import AuditEntry, Comment, Site, Verdict, utcnow
from service.storage.retention import truncate_address
from tests.support import Process, wait_for
from workers import names

LONG_AGO = utcnow() - dt.timedelta(days=45)


def add_comment(sessions: sessionmaker[Session], site: Site, **values: object) -> int:
    with sessions() as session, session.begin():
        comment = Comment(site_id=site.id, thread="t", body=values.pop("body", "Hello there."), **values)
        session.add(comment)
        session.flush()
        return comment.id


def test_truncated_addresses_keep_only_the_network() -> None:
    assert truncate_address("203.0.113.77") == "203.0.113.0"
    assert truncate_address("2001:db8:abcd:12::1") == "2001:db8:abcd::"
    assert truncate_address("::ffff:198.51.100.9") == "198.51.100.0"
    assert truncate_address("not an address") == ""


def test_retention_task_truncates_old_addresses_and_purges_old_spam_only(
    client: FlaskClient, site: Site, worker: Process, sessions: sessionmaker[Session]
) -> None:
    old_v4 = add_comment(sessions, site, client_ip="203.0.113.77", created_at=LONG_AGO, status="published")
    old_v6 = add_comment(sessions, site, client_ip="2001:db8:abcd:12::1", created_at=LONG_AGO, status="published")
    recent = add_comment(sessions, site, client_ip="192.0.2.55", status="published")
    old_spam = add_comment(
        sessions, site, status="rejected", rejection_reason="spam", created_at=LONG_AGO, updated_at=LONG_AGO
    )
    old_abuse = add_comment(
        sessions, site, status="rejected", rejection_reason="abuse", created_at=LONG_AGO, updated_at=LONG_AGO
    )
    new_spam = add_comment(sessions, site, status="rejected", rejection_reason="spam")

    client.application.extensions["sift"].celery.send_task(names.APPLY_RETENTION)

    def addresses() -> dict[int, str]:
        with sessions() as session:
            return {row[0]: row[1] for row in session.execute(select(Comment.id, Comment.client_ip))}

    wait_for(lambda: old_spam not in addresses(), timeout=30, what="retention applied")
    found = addresses()
    assert found[old_v4] == "203.0.113.0"
    assert found[old_v6] == "2001:db8:abcd::"
    assert found[recent] == "192.0.2.55"
    assert old_abuse in found and new_spam in found


def test_erase_removes_an_authors_personal_data_and_keeps_the_statistics(
    site: Site, sessions: sessionmaker[Session], service_env: dict[str, str]
) -> None:
    erased = add_comment(
        sessions,
        site,
        body="Call me on 555-0100, I am Ana from Lisbon.",
        author_name="Ana",
        author_email="ana@example.org",
        author_url="https://ana.example.org",
        client_ip="203.0.113.9",
        user_agent="Firefox",
        status="held",
        score=0.8,
    )
    kept = add_comment(sessions, site, body="Bob's words.", author_name="Bob", author_email="bob@example.org")
    with sessions() as session, session.begin():
        session.add(
            Verdict(
                comment_id=erased,
                filter_id="personal-data",
                category="abuse",
                action="hold",
                score=0.8,
                reason="phone number 555-0100",
                spans=[[11, 19]],
            )
        )
        session.add(
            AuditEntry(
                site_id=site.id,
                comment_id=erased,
                actor_type="system",
                action="hold",
                from_status="received",
                to_status="held",
                reason="phone number 555-0100",
            )
        )

    result = CliRunner().invoke(privacy, ["erase", "--email", "ANA@example.org"], env=service_env)

    assert result.exit_code == 0, result.output
    assert "1 comments" in result.output
    with sessions() as session:
        row = session.get(Comment, erased)
        assert row is not None
        assert "555" not in row.body and "Ana" not in row.body
        assert (row.author_name, row.author_email, row.author_url, row.client_ip, row.user_agent) == ("",) * 5
        assert (row.status, row.score) == ("held", 0.8)
        verdict = session.scalars(select(Verdict).where(Verdict.comment_id == erased)).one()
        assert (verdict.filter_id, verdict.action, verdict.score) == ("personal-data", "hold", 0.8)
        assert "555" not in verdict.reason and verdict.spans == []
        assert session.scalar(select(func.count()).where(AuditEntry.comment_id == erased)) == 1
        assert "555" not in session.scalars(select(AuditEntry.reason).where(AuditEntry.comment_id == erased)).one()
        other = session.get(Comment, kept)
        assert other is not None and (other.author_name, other.body) == ("Bob", "Bob's words.")


def test_erase_refuses_something_that_is_not_an_email(service_env: dict[str, str]) -> None:
    result = CliRunner().invoke(privacy, ["erase", "--email", "   "], env=service_env)
    assert result.exit_code != 0
    assert "email" in result.output
