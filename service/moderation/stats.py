"""Per-site statistics: queue sizes, decisions per day, and how often moderators overturn each filter."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.moderation.decisions import DECISION_ACTIONS
from service.moderation.models import FilterOverturn, SiteStats, StatsQuery, StatsResponse
from service.moderation.queue import queue_counts
from service.moderation.scope import resolve_sites
from service.storage.accounts import Identity
from service.storage.learning import HAM, UNDO, label_from_history
from service.storage.models import AuditEntry, Comment, Verdict, utcnow

# A filter "acted" when its verdict asked for more than publishing.
_ACTING = ("hold", "reject", "discard")


def site_stats(session: Session, moderator: Identity, query: StatsQuery) -> StatsResponse:
    sites = resolve_sites(moderator, query.site)
    since = utcnow() - dt.timedelta(days=query.days)
    return StatsResponse(
        sites=[
            SiteStats(
                site=name,
                queue=queue_counts(session, moderator, [name]),
                decisions_per_day=_decisions_per_day(session, site_id, since),
                filters=_overturns(session, site_id),
            )
            for site_id, name in sorted(sites.items(), key=lambda item: item[1])
        ]
    )


def _decisions_per_day(session: Session, site_id: int, since: dt.datetime) -> dict[str, int]:
    rows = session.execute(
        select(AuditEntry.created_at).where(
            AuditEntry.site_id == site_id,
            AuditEntry.actor_type != "system",
            AuditEntry.action.in_(DECISION_ACTIONS),
            AuditEntry.created_at >= since,
        )
    ).scalars()
    # Grouped here, by UTC date: SQL date functions differ between PostgreSQL and SQLite in time zones.
    days: dict[str, int] = defaultdict(int)
    for created_at in rows:
        days[created_at.astimezone(dt.UTC).date().isoformat()] += 1
    return dict(sorted(days.items()))


def _overturns(session: Session, site_id: int) -> list[FilterOverturn]:
    """For each filter, of the comments it held or rejected that moderators decided, how many they published."""
    actions: dict[int, list[str]] = defaultdict(list)
    for comment_id, action in session.execute(
        select(AuditEntry.comment_id, AuditEntry.action)
        .where(
            AuditEntry.site_id == site_id,
            AuditEntry.actor_type != "system",
            AuditEntry.action.in_((*DECISION_ACTIONS, UNDO)),
        )
        .order_by(AuditEntry.id)
    ):
        actions[comment_id].append(action)
    outcome = {comment_id: label_from_history(history) for comment_id, history in actions.items()}
    reviewed: dict[str, int] = defaultdict(int)
    overturned: dict[str, int] = defaultdict(int)
    pairs = session.execute(
        select(Verdict.filter_id, Verdict.comment_id)
        .join(Comment, Comment.id == Verdict.comment_id)
        .where(Comment.site_id == site_id, Verdict.action.in_(_ACTING))
        .distinct()
    )
    for filter_id, comment_id in pairs:
        label = outcome.get(comment_id)
        if label is None:
            continue
        reviewed[filter_id] += 1
        if label == HAM:
            overturned[filter_id] += 1
    return [
        FilterOverturn(
            filter_id=filter_id,
            reviewed=count,
            overturned=overturned[filter_id],
            overturn_rate=round(overturned[filter_id] / count, 4),
        )
        for filter_id, count in sorted(reviewed.items())
    ]
