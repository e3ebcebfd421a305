"""`moderation.moderate_comment`: ids in, the pure pipeline, a compare-and-set out."""

from __future__ import annotations

import json
import time
from typing import cast

import redis
import structlog
from celery import shared_task
from sqlalchemy import ColumnElement, Select, Table, TextClause, bindparam, func, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload

from service.domain.statuses import RejectionReason, Status
from service.observability import metrics
from service.storage.comments import SYSTEM, Move, change_statuses
from service.storage.models import Comment, Verdict, utcnow
from workers import names
from workers.context import gather_contexts
from workers.filters.base import Action, AuthorHistory, Category, CommentInput, Context, Decision
from workers.filters.base import Verdict as FilterVerdict
from workers.filters.pipeline import pipeline_for
from workers.pipeline_metrics import timed_pipeline_for
from workers.resources import Resources, resources_for

log = structlog.get_logger(__name__)

TRANSIENT_ERRORS = (OperationalError, redis.ConnectionError, redis.TimeoutError)

_STATUS_FOR_ACTION = {
    Action.PUBLISH: Status.PUBLISHED,
    Action.CENSOR: Status.PUBLISHED,
    Action.HOLD: Status.HELD,
    Action.REJECT: Status.REJECTED,
    Action.DISCARD: Status.REJECTED,
}

# An author's reputation is read from at most this many of their latest decided comments: far
# more than the thresholds it is compared with (a few rejections or approvals), and bounded.
AUTHOR_HISTORY_LIMIT = 100


_RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 8,
}


@shared_task(name=names.MODERATE_COMMENT, **_RETRY)
def moderate_comment(self, comment_id: int) -> str:  # type: ignore[no-untyped-def]
    """Decide a received comment; a comment already decided is left as it is."""
    [outcome] = decide_comments(resources_for(self.app), [comment_id])
    return outcome


@shared_task(name=names.MODERATE_COMMENTS, **_RETRY)
def moderate_comments(self, comment_ids: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    """Decide the received comments among `comment_ids` (the intake queues each group it stores as one).

    One transaction for the batch; if any comment fails in it, each is decided on its own, so one
    comment that cannot be decided does not hold back the others (it stays `received`, and the
    sweeper sends it again). Transient errors retry the whole batch: those already decided are
    left as they are.
    """
    resources = resources_for(self.app)
    try:
        return decide_comments(resources, comment_ids)
    except TRANSIENT_ERRORS:
        raise
    except Exception:
        if len(comment_ids) == 1:
            raise
        log.exception("moderation.batch_failed", comment_ids=comment_ids)
    outcomes: list[str] = []
    failure: Exception | None = None
    for comment_id in comment_ids:
        try:
            outcomes += decide_comments(resources, [comment_id])
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:  # raised below, once the others are decided
            log.exception("moderation.failed", comment_id=comment_id)
            failure = failure or error
            outcomes.append("failed")
    if failure is not None:
        raise failure
    return outcomes


def decide_comments(resources: Resources, comment_ids: list[int]) -> list[str]:
    """Decide the still-received comments of `comment_ids` in one transaction; one outcome per id.

    One SELECT for the comments, their authors' histories, one Redis round trip for all their
    contexts, the filters, a compare-and-set per comment (on PostgreSQL one UPDATE for all of one
    kind of decision; each row still matches only if still received at the version read, which
    protects against a concurrent run), the audit rows and verdicts in one INSERT each, one commit.
    """
    outcomes = dict.fromkeys(comment_ids, "unknown")
    decided: list[tuple[Comment, str, Decision, float]] = []
    with resources.sessions() as session, session.begin():
        loaded = session.execute(_LOAD_COMMENTS, {"comment_ids": comment_ids}).scalars().all()
        pending = []
        for comment in loaded:
            if comment.status != Status.RECEIVED.value:
                outcomes[comment.id] = "already-decided"
                continue
            site_name = comment.site.name
            pending.append((comment, to_comment_input(comment, site_name), resources.policies.for_site(site_name)))
        if not pending:
            _log_unknown(outcomes)
            return [outcomes[comment_id] for comment_id in comment_ids]
        histories = load_author_histories(session, [comment for comment, _, _ in pending])
        contexts = gather_contexts(
            resources.redis,
            # Keyed by id, so a redelivered task does not count the same comment twice.
            [
                (comment_input, policy, history, str(comment.id))
                for (comment, comment_input, policy), history in zip(pending, histories, strict=True)
            ],
        )
        for (comment, comment_input, policy), context in zip(pending, contexts, strict=True):
            started = time.perf_counter()
            decision = timed_pipeline_for(comment_input.site, policy).run(comment_input, context)
            decided.append((comment, comment_input.site, decision, time.perf_counter() - started))
        applied = apply_decisions(session, [(comment, decision) for comment, _, decision, _ in decided])
        received_at = {comment.id: comment.created_at for comment, _, _, _ in decided}
    _log_unknown(outcomes)
    for (comment, site_name, decision, pipeline_seconds), moved in zip(decided, applied, strict=True):
        outcome = decision.action.value if moved else "already-decided"
        outcomes[comment.id] = outcome
        # Each under the request id stored with it: a group's message carries no single one.
        carried = {"request_id": comment.request_id} if comment.request_id else {}
        log.info("moderation.decided", comment_id=comment.id, site=site_name, outcome=outcome, **carried)
        if moved:
            metrics.record_decision(site_name, outcome, (utcnow() - received_at[comment.id]).total_seconds())
            # Only decisions that were applied: a redelivered task that found the comment decided counts nothing.
            metrics.record_pipeline(decision.verdicts, pipeline_seconds)
    return [outcomes[comment_id] for comment_id in comment_ids]


def _log_unknown(outcomes: dict[int, str]) -> None:
    for comment_id, outcome in outcomes.items():
        if outcome == "unknown":
            log.warning("moderation.unknown_comment", comment_id=comment_id)


def to_comment_input(comment: Comment, site_name: str) -> CommentInput:
    return CommentInput(
        site=site_name,
        body=comment.body,
        thread=comment.thread,
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
        client_ip=comment.client_ip,
        user_agent=comment.user_agent,
        page_url=comment.page_url,
        honeypot_filled=comment.honeypot_filled,
        form_token_status=comment.form_token_status,
        warning=comment.warning,
    )


def load_author_histories(session: Session, comments: list[Comment]) -> list[AuthorHistory]:
    """`load_author_history` for each comment of a batch, all read before any of them is decided.

    So a comment does not count for a later one by the same author in the same batch, as between
    two workers deciding at once; the intake's per-address rate limit keeps such pairs rare, and
    velocity (counted in Redis, in order) still sees every one. On PostgreSQL one statement per
    kind of author (email, address) reads the whole batch's: the same index scan per comment,
    through a LATERAL join, instead of a round trip each.
    """
    if len(comments) == 1 or session.get_bind().dialect.name != "postgresql":
        return [load_author_history(session, comment) for comment in comments]
    by_email = [(c.id, c.site_id, c.author_email) for c in comments if c.author_email]
    by_address = [(c.id, c.site_id, c.client_ip) for c in comments if not c.author_email and c.client_ip]
    counts: dict[int, dict[str, int]] = {}
    for query, authors in ((_BATCH_HISTORY_BY_EMAIL, by_email), (_BATCH_HISTORY_BY_ADDRESS, by_address)):
        if not authors:
            continue
        ids, sites, names_ = (list(column) for column in zip(*authors, strict=True))
        for comment_id, status, count in session.execute(query, {"ids": ids, "sites": sites, "authors": names_}):
            counts.setdefault(comment_id, {})[status] = count
    return [_history(counts.get(comment.id, {})) for comment in comments]


def _history(counts: dict[str, int]) -> AuthorHistory:
    return AuthorHistory(
        approved=counts.get(Status.PUBLISHED.value, 0),
        rejected=counts.get(Status.REJECTED.value, 0),
        held=counts.get(Status.HELD.value, 0),
    )


def _batch_history_query(author_column: str) -> TextClause:
    """`_author_history_query` for a batch: (comment id, status, count) rows, arrays of ids, sites and authors in."""
    decided = ", ".join(f"'{status.value}'" for status in (Status.PUBLISHED, Status.REJECTED, Status.HELD))
    # S608: our own column names and statuses; the values travel as parameters.
    return text(
        "SELECT batch.comment_id, latest.status, count(*) "  # noqa: S608
        "FROM unnest(CAST(:ids AS BIGINT[]), CAST(:sites AS BIGINT[]), CAST(:authors AS VARCHAR[])) "
        "AS batch(comment_id, site_id, author) "
        "CROSS JOIN LATERAL (SELECT comments.status FROM comments WHERE comments.site_id = batch.site_id "
        f"AND comments.{author_column} = batch.author AND comments.id != batch.comment_id "
        f"AND comments.status IN ({decided}) ORDER BY comments.id DESC LIMIT {AUTHOR_HISTORY_LIMIT}) AS latest "
        "GROUP BY batch.comment_id, latest.status"
    )


_BATCH_HISTORY_BY_EMAIL = _batch_history_query("author_email")
_BATCH_HISTORY_BY_ADDRESS = _batch_history_query("client_ip")


def load_author_history(session: Session, comment: Comment) -> AuthorHistory:
    """Count how the site decided the author's other comments (same email, or address without one).

    Only the author's AUTHOR_HISTORY_LIMIT most recent decided comments count. Counting the whole
    history made every decision O(n) in it, so a flood from one address slowed each decision more
    than the last; an index ending in id makes this a short backward index scan instead. The scan
    steps over the author's comments still `received`, which the intake's per-address rate limit
    keeps few. Later comments count too: a comment redelivered after a crash is judged like the
    others.
    """
    if comment.author_email:
        query, author = _HISTORY_BY_EMAIL, comment.author_email
    elif comment.client_ip:
        query, author = _HISTORY_BY_ADDRESS, comment.client_ip
    else:
        return AuthorHistory()
    rows = session.execute(query, {"site_id": comment.site_id, "author": author, "comment_id": comment.id})
    return _history({status: count for status, count in rows})


# Statements built once, with the values passed at execution: building them per decision was a
# measurable share of its CPU.
_COMMENTS = cast(Table, Comment.__table__)


def _author_history_query(author_column: ColumnElement[str]) -> Select[str, int]:
    """Count the statuses of one author's latest decided comments other than `comment_id`."""
    comments = _COMMENTS.c
    latest = (
        select(comments.status)
        .where(
            comments.site_id == bindparam("site_id"),
            author_column == bindparam("author"),
            comments.id != bindparam("comment_id"),
            comments.status.in_([Status.PUBLISHED.value, Status.REJECTED.value, Status.HELD.value]),
        )
        .order_by(comments.id.desc())
        .limit(AUTHOR_HISTORY_LIMIT)
        .subquery()
    )
    return select(latest.c.status, func.count()).group_by(latest.c.status)


_LOAD_COMMENTS = (
    select(Comment)
    .options(joinedload(Comment.site))
    .where(Comment.id.in_(bindparam("comment_ids", expanding=True)))
    .order_by(Comment.id)
)
_HISTORY_BY_EMAIL = _author_history_query(_COMMENTS.c.author_email)
_HISTORY_BY_ADDRESS = _author_history_query(_COMMENTS.c.client_ip)
_INSERT_VERDICT = insert(cast(Table, Verdict.__table__))


def apply_decision(session: Session, comment: Comment, decision: Decision) -> bool:
    """Store the verdicts and move the comment, unless another run already did."""
    return apply_decisions(session, [(comment, decision)])[0]


def apply_decisions(session: Session, decisions: list[tuple[Comment, Decision]]) -> list[bool]:
    """Move each comment and store its verdicts, unless another run already moved it; one result each."""
    moves = [_move(comment, decision) for comment, decision in decisions]
    moved = change_statuses(session, moves, SYSTEM)
    verdicts = [
        {"comment_id": comment.id, **verdict_fields(v)}
        for (comment, decision), applied in zip(decisions, moved, strict=True)
        if applied
        for v in decision.verdicts
    ]
    if verdicts:
        # A plain multi-row INSERT: the unit of work's flush (and RETURNING every new id) cost
        # CPU on every decision, and nothing reads these rows back here.
        session.execute(_INSERT_VERDICT, verdicts)
    return moved


def _move(comment: Comment, decision: Decision) -> Move:
    target = _STATUS_FOR_ACTION[decision.action]
    values: dict[str, object] = {
        "score": decision.score,
        "policy_version": decision.policy_version,
        "decided_at": utcnow(),
        "scores": dict(decision.scores) or None,
    }
    if decision.action is Action.CENSOR:
        values["censored_body"] = decision.censored_body
    if target is Status.REJECTED:
        values["rejection_reason"] = (
            RejectionReason.ABUSE.value if decision.category is Category.ABUSE else RejectionReason.SPAM.value
        )
        values["discarded"] = decision.action is Action.DISCARD
    reasons = [
        {"filter": v.filter_id, "category": v.category.value, "action": v.action.value, "reason": v.reason}
        for v in decision.verdicts
    ]
    return Move(
        comment,
        target,
        action=decision.action.value,
        reason="; ".join(v.reason for v in decision.verdicts if v.action is decision.action),
        reasons=reasons,
        values=values,
    )


def verdict_fields(verdict: FilterVerdict) -> dict[str, object]:
    """A verdict as stored in `verdicts` and as a dry run reports it (spans as [start, end] pairs)."""
    return {
        "filter_id": verdict.filter_id,
        "category": verdict.category.value,
        "action": verdict.action.value,
        "score": verdict.score,
        "reason": verdict.reason,
        "spans": [[span.start, span.end] for span in verdict.spans],
    }


@shared_task(name=names.DRY_RUN, bind=True, acks_late=False, ignore_result=True)
def dry_run(self, site_name: str, fields: dict[str, str], reply_key: str) -> None:  # type: ignore[no-untyped-def]
    """Run the site's real pipeline on submitted fields, store nothing, and push the decision to reply_key.

    The web process never loads the filters (word lists, models), so a dry run asks a worker.
    It uses an empty context: velocity, duplicates and history describe real traffic, not a test.
    """
    resources = resources_for(self.app)
    policy = resources.policies.for_site(site_name)
    comment = CommentInput(site=site_name, **{key: value for key, value in fields.items() if key in _DRY_RUN_FIELDS})
    decision = pipeline_for(site_name, policy).run(comment, Context())
    reply = {
        "action": decision.action.value,
        "score": decision.score,
        "policy_version": decision.policy_version,
        "censored_body": decision.censored_body,
        "scores": dict(decision.scores),
        "verdicts": [verdict_fields(v) for v in decision.verdicts],
    }
    pipe = resources.redis.pipeline()
    pipe.rpush(reply_key, json.dumps(reply))
    pipe.expire(reply_key, 60)
    pipe.execute()


_DRY_RUN_FIELDS = frozenset({"body", "thread", "author_name", "author_email", "author_url", "client_ip", "user_agent"})
