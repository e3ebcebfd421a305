"""Moderator decisions: one compare-and-set each, audited, idempotent on retry, and teaching the learned filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from service.domain.statuses import InvalidTransition, RejectionReason, Status
from service.edge.errors import ApiError
from service.moderation.models import BulkDecisionItem, BulkDecisionOutcome, ClaimResult, DecisionResult, ItemError
from service.moderation.scope import actor_for, has_live_claim, load_comment
from service.storage.accounts import Identity
from service.storage.comments import StaleVersion, change_status
from service.storage.learning import TrainingChange, apply_training, relabel
from service.storage.models import AuditEntry, Comment, Moderator, Report, Verdict, utcnow

DECISION_ACTIONS = ("approve", "reject", "spam", "delete")
_TARGET = {
    "approve": Status.PUBLISHED,
    "reject": Status.REJECTED,
    "spam": Status.REJECTED,
    "delete": Status.DELETED,
}
_REJECTION_REASON = {"reject": RejectionReason.ABUSE.value, "spam": RejectionReason.SPAM.value}


def decide(
    session: Session,
    redis_client: redis.Redis,
    moderator: Identity,
    comment_id: int,
    action: str,
    version: int,
    note: str = "",
) -> DecisionResult:
    """Apply one decision and commit; a retry of the caller's own decision answers unchanged."""
    if action not in DECISION_ACTIONS:
        raise ApiError(
            422, "Some fields are invalid.", fields={"action": f"must be one of {', '.join(DECISION_ACTIONS)}"}
        )
    with _transaction(session):
        comment = load_comment(session, moderator, comment_id, lock=True)
        result, change = _decide_locked(session, moderator, comment, action, version, note)
    apply_training(redis_client, change)
    return result


def decide_many(
    session: Session, redis_client: redis.Redis, moderator: Identity, items: list[BulkDecisionItem]
) -> list[BulkDecisionOutcome]:
    """Apply each decision in its own transaction, so one failure never undoes the others."""
    outcomes = []
    for item in items:
        try:
            result = decide(session, redis_client, moderator, item.id, item.action, item.version, item.note)
        except ApiError as error:
            outcomes.append(
                BulkDecisionOutcome(id=item.id, ok=False, error=ItemError(code=error.code, message=error.message))
            )
        else:
            outcomes.append(BulkDecisionOutcome(id=item.id, ok=True, result=result))
    return outcomes


def undo_last(session: Session, redis_client: redis.Redis, moderator: Identity, comment_id: int) -> DecisionResult:
    """Return the comment to where it was before the caller's latest decision, reversing its training."""
    with _transaction(session):
        comment = load_comment(session, moderator, comment_id, lock=True)
        last = _latest_audit(session, comment.id)
        if (
            last is None
            or last.action not in DECISION_ACTIONS
            or last.actor_type != moderator.kind
            or last.actor_id != moderator.id
        ):
            raise ApiError(409, "There is no decision of yours on this comment to undo.", code="nothing_to_undo")
        target = Status(last.from_status)
        values: dict[str, Any] = {"claimed_by": None, "claim_expires_at": None}
        values["rejection_reason"] = (
            _rejection_reason_before(session, comment, last) if target is Status.REJECTED else None
        )
        if target is Status.REPORTED:
            values["report_count"] = _report_rows(session, comment.id)
        _change(session, moderator, comment, target, "undo", f"undo {last.action}", "", comment.version, values)
        change = relabel(session, comment)
        result = _result(comment, "undo", changed=True)
    apply_training(redis_client, change)
    return result


def claim(session: Session, moderator: Identity, comment_id: int, seconds: int = 600) -> ClaimResult:
    """Mark the comment as being worked by the caller until the claim expires (renewing their own claim)."""
    if moderator.kind != "moderator":
        raise ApiError(403, "Only moderators claim comments.")
    with _transaction(session):
        load_comment(session, moderator, comment_id)
        now = utcnow()
        expires = now + dt.timedelta(seconds=seconds)
        moved = session.execute(
            update(Comment)
            .where(
                Comment.id == comment_id,
                or_(
                    Comment.claimed_by.is_(None),
                    Comment.claimed_by == moderator.id,
                    Comment.claim_expires_at.is_(None),
                    Comment.claim_expires_at <= now,
                ),
            )
            .values(claimed_by=moderator.id, claim_expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise _claimed_error(session, comment_id)
    return ClaimResult(id=comment_id, claimed_by=moderator.label, claim_expires_at=expires)


def release(session: Session, moderator: Identity, comment_id: int) -> ClaimResult:
    """Give up the caller's claim (a site admin may release anyone's); releasing nothing is fine."""
    with _transaction(session):
        comment = load_comment(session, moderator, comment_id, lock=True)
        now = utcnow()
        live = has_live_claim(comment, now)
        is_admin = comment.site_id in moderator.site_ids("admin") and moderator.kind == "moderator"
        if live and comment.claimed_by != moderator.id and not is_admin:
            raise _claimed_error(session, comment_id)
        comment.claimed_by = None
        comment.claim_expires_at = None
    return ClaimResult(id=comment_id, claimed_by=None, claim_expires_at=None)


@contextmanager
def _transaction(session: Session) -> Iterator[None]:
    """Commit what the block did, or roll all of it back, so a failed decision leaves no partial state."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _decide_locked(
    session: Session, moderator: Identity, comment: Comment, action: str, version: int, note: str
) -> tuple[DecisionResult, TrainingChange | None]:
    target = _TARGET[action]
    reason = _REJECTION_REASON.get(action)
    already = comment.status == target.value and (target is not Status.REJECTED or comment.rejection_reason == reason)
    if already:
        last = _latest_audit(session, comment.id)
        mine = last is not None and last.actor_type == moderator.kind and last.actor_id == moderator.id
        # Idempotent: the caller's own retry, or a decision that asks for what already is.
        if (mine and last is not None and last.action == action) or version == comment.version:
            return _result(comment, action, changed=False), None
    if version != comment.version:
        raise _stale(comment)
    _check_claim(session, moderator, comment)
    values: dict[str, Any] = {"decided_at": utcnow(), "claimed_by": None, "claim_expires_at": None}
    if target is Status.REJECTED:
        values["rejection_reason"] = reason
    elif target is Status.PUBLISHED:
        values.update(rejection_reason=None, discarded=False)
        # Approved after reports: only new readers' reports can send it back to the queue.
        values["report_count"] = 0
    _change(session, moderator, comment, target, action, reason or "", note, version, values)
    return _result(comment, action, changed=True), relabel(session, comment)


def _change(
    session: Session,
    moderator: Identity,
    comment: Comment,
    target: Status,
    action: str,
    reason: str,
    note: str,
    version: int,
    values: dict[str, Any],
) -> None:
    try:
        change_status(
            session,
            comment,
            target,
            actor_for(moderator),
            action=action,
            reason=reason,
            note=note,
            expected_version=version,
            values=values,
        )
    except StaleVersion:
        raise _stale(comment) from None
    except InvalidTransition as error:
        raise ApiError(409, f"{str(error).capitalize()}.", code="invalid_transition") from None


def _check_claim(session: Session, moderator: Identity, comment: Comment) -> None:
    if not has_live_claim(comment, utcnow()):
        return
    if moderator.kind == "moderator" and comment.claimed_by == moderator.id:
        return
    raise _claimed_error(session, comment.id)


def _claimed_error(session: Session, comment_id: int) -> ApiError:
    row = session.execute(
        select(Moderator.email, Comment.claim_expires_at)
        .join(Moderator, Moderator.id == Comment.claimed_by)
        .where(Comment.id == comment_id)
    ).first()
    who, until = (row[0], row[1].isoformat()) if row is not None and row[1] is not None else ("another moderator", "")
    return ApiError(409, f"{who} is working on this comment (claimed until {until}).", code="claimed")


def _stale(comment: Comment) -> ApiError:
    return ApiError(
        409,
        f"The comment changed since you loaded it: it is now {comment.status} at version {comment.version}.",
        code="stale_version",
    )


def _latest_audit(session: Session, comment_id: int) -> AuditEntry | None:
    return session.scalar(
        select(AuditEntry).where(AuditEntry.comment_id == comment_id).order_by(AuditEntry.id.desc()).limit(1)
    )


def _rejection_reason_before(session: Session, comment: Comment, undone: AuditEntry) -> str:
    """Find why the comment was rejected before the decision being undone."""
    earlier = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.comment_id == comment.id, AuditEntry.id < undone.id, AuditEntry.to_status == "rejected")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if earlier is not None and earlier.actor_type != "system" and earlier.action in _REJECTION_REASON:
        return _REJECTION_REASON[earlier.action]
    category = session.scalar(
        select(Verdict.category)
        .where(Verdict.comment_id == comment.id, Verdict.action.in_(("reject", "discard")))
        .order_by(Verdict.id)
        .limit(1)
    )
    return RejectionReason.ABUSE.value if category == "abuse" else RejectionReason.SPAM.value


def _report_rows(session: Session, comment_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Report).where(Report.comment_id == comment_id)) or 0


def _result(comment: Comment, action: str, *, changed: bool) -> DecisionResult:
    return DecisionResult(
        id=comment.id,
        action=action,
        status=comment.status,
        rejection_reason=comment.rejection_reason,
        version=comment.version,
        changed=changed,
    )
