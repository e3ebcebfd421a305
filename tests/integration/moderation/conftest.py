"""Two sites, their moderators, and comments seeded the way the worker leaves them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.domain.statuses import Status
from service.storage.accounts import create_moderator, create_site
from service.storage.comments import SYSTEM, change_status
from service.storage.models import Comment, Site, Verdict, utcnow


@dataclass(frozen=True)
class Team:
    """Tokens of the people who work on the `demo` and `other` sites."""

    alice: str  # moderator of demo
    carol: str  # another moderator of demo
    admin: str  # admin of demo
    bob: str  # moderator of other
    other_site_id: int

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def team(site: Site, sessions: sessionmaker[Session]) -> Team:
    with sessions() as session, session.begin():
        other = create_site(session, "other", "Other")

        def token(email: str, site_name: str, role: str = "moderator") -> str:
            issued = create_moderator(session, email, site_name, role, "correct horse battery", with_token=True).token
            assert issued is not None
            return issued

        return Team(
            alice=token("alice@example.org", "demo"),
            carol=token("carol@example.org", "demo"),
            admin=token("admin@example.org", "demo", "admin"),
            bob=token("bob@example.org", "other"),
            other_site_id=other.id,
        )


SeedComment = Callable[..., int]


@pytest.fixture
def seed_comment(sessions: sessionmaker[Session]) -> SeedComment:
    """Store a comment and decide it as the worker would: verdicts, status, audit row."""

    def seed(
        site_id: int,
        body: str = "Buy cheap pills at http://pills.example now",
        status: str = "held",
        verdicts: tuple[tuple[str, str, str, float, str], ...] = (
            ("links", "spam", "hold", 0.8, "2 links (site allows 1)"),
        ),
        author_email: str = "",
        client_ip: str = "198.51.100.7",
        created_at: dt.datetime | None = None,
        thread: str = "article-1",
    ) -> int:
        with sessions() as session, session.begin():
            comment = Comment(
                site_id=site_id,
                thread=thread,
                body=body,
                author_email=author_email,
                client_ip=client_ip,
                created_at=created_at or utcnow(),
                score=max((v[3] for v in verdicts), default=0.0),
            )
            session.add(comment)
            session.flush()
            values = {"rejection_reason": "spam"} if status == "rejected" else {}
            change_status(session, comment, Status(status), SYSTEM, action="seed", reason="seeded", values=values)
            for filter_id, category, action, score, reason in verdicts:
                session.add(
                    Verdict(
                        comment_id=comment.id,
                        filter_id=filter_id,
                        category=category,
                        action=action,
                        score=score,
                        reason=reason,
                        spans=[[0, 3]],
                    )
                )
            return comment.id

    return seed
