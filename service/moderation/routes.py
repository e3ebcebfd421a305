"""`/v1/moderation/...`: the HTTP edge validates, calls one operation, and answers."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from service.edge import auth
from service.edge.api import document, parse, parse_json, parse_query, read_body
from service.moderation import operations
from service.moderation.models import (
    AuditPage,
    AuditQuery,
    BulkDecisionRequest,
    BulkDecisionResponse,
    ClaimRequest,
    ClaimResult,
    CommentDetail,
    DecisionRequest,
    DecisionResult,
    QueuePage,
    QueueQuery,
    StatsQuery,
    StatsResponse,
)
from service.runtime.services import services

blueprint = Blueprint("moderation", __name__)
TAGS = ("moderation",)
AUTH = "moderatorToken"
COMMENT = {"comment_id": "integer"}


def _answer(model: BaseModel, status: int = 200) -> ResponseReturnValue:
    return jsonify(model.model_dump(mode="json")), status


@blueprint.get("/v1/moderation/queue")
@document(
    "GET",
    "/v1/moderation/queue",
    summary="List the review queue",
    tags=TAGS,
    query=QueueQuery,
    responses={200: QueuePage},
    auth=AUTH,
)
@auth.moderator_required
def queue() -> ResponseReturnValue:
    query = parse_query(QueueQuery)
    with services().sessions() as session:
        return _answer(operations.list_queue(session, auth.current_moderator(), query))


@blueprint.get("/v1/moderation/comments/<int:comment_id>")
@document(
    "GET",
    "/v1/moderation/comments/{comment_id}",
    summary="Read a comment with verdicts, history and audit",
    tags=TAGS,
    responses={200: CommentDetail},
    auth=AUTH,
    path_params=COMMENT,
)
@auth.moderator_required
def comment_detail(comment_id: int) -> ResponseReturnValue:
    with services().sessions() as session:
        return _answer(operations.get_detail(session, auth.current_moderator(), comment_id))


@blueprint.post("/v1/moderation/comments/<int:comment_id>/decision")
@document(
    "POST",
    "/v1/moderation/comments/{comment_id}/decision",
    summary="Approve, reject, mark spam or delete",
    tags=TAGS,
    body=DecisionRequest,
    responses={200: DecisionResult},
    auth=AUTH,
    path_params=COMMENT,
)
@auth.moderator_required
def decision(comment_id: int) -> ResponseReturnValue:
    body = parse_json(DecisionRequest)
    app = services()
    with app.sessions() as session:
        result = operations.decide(
            session, app.redis, auth.current_moderator(), comment_id, body.action, body.version, body.note
        )
    return _answer(result)


@blueprint.post("/v1/moderation/comments/<int:comment_id>/undo")
@document(
    "POST",
    "/v1/moderation/comments/{comment_id}/undo",
    summary="Undo your latest decision on a comment",
    tags=TAGS,
    responses={200: DecisionResult},
    auth=AUTH,
    path_params=COMMENT,
)
@auth.moderator_required
def undo(comment_id: int) -> ResponseReturnValue:
    app = services()
    with app.sessions() as session:
        return _answer(operations.undo_last(session, app.redis, auth.current_moderator(), comment_id))


@blueprint.post("/v1/moderation/decisions")
@document(
    "POST",
    "/v1/moderation/decisions",
    summary="Decide up to 500 comments, with a result per item",
    tags=TAGS,
    body=BulkDecisionRequest,
    responses={200: BulkDecisionResponse},
    auth=AUTH,
)
@auth.moderator_required
def bulk_decisions() -> ResponseReturnValue:
    body = parse_json(BulkDecisionRequest)
    app = services()
    with app.sessions() as session:
        outcomes = operations.decide_many(session, app.redis, auth.current_moderator(), body.decisions)
    succeeded = sum(1 for outcome in outcomes if outcome.ok)
    return _answer(BulkDecisionResponse(results=outcomes, succeeded=succeeded, failed=len(outcomes) - succeeded))


@blueprint.post("/v1/moderation/comments/<int:comment_id>/claim")
@document(
    "POST",
    "/v1/moderation/comments/{comment_id}/claim",
    summary="Claim a comment so others leave it to you",
    tags=TAGS,
    body=ClaimRequest,
    responses={200: ClaimResult},
    auth=AUTH,
    path_params=COMMENT,
)
@auth.moderator_required
def claim(comment_id: int) -> ResponseReturnValue:
    # The body is optional: an empty POST claims for the default time.
    body = parse(ClaimRequest, read_body()[0]) if request.get_data(cache=True).strip() else ClaimRequest()
    with services().sessions() as session:
        return _answer(operations.claim(session, auth.current_moderator(), comment_id, body.seconds))


@blueprint.post("/v1/moderation/comments/<int:comment_id>/release")
@document(
    "POST",
    "/v1/moderation/comments/{comment_id}/release",
    summary="Release your claim on a comment",
    tags=TAGS,
    responses={200: ClaimResult},
    auth=AUTH,
    path_params=COMMENT,
)
@auth.moderator_required
def release(comment_id: int) -> ResponseReturnValue:
    with services().sessions() as session:
        return _answer(operations.release(session, auth.current_moderator(), comment_id))


@blueprint.get("/v1/moderation/audit")
@document(
    "GET",
    "/v1/moderation/audit",
    summary="Read the audit log of your sites",
    tags=TAGS,
    query=AuditQuery,
    responses={200: AuditPage},
    auth=AUTH,
)
@auth.moderator_required
def audit() -> ResponseReturnValue:
    query = parse_query(AuditQuery)
    with services().sessions() as session:
        return _answer(operations.list_audit(session, auth.current_moderator(), query))


@blueprint.get("/v1/moderation/stats")
@document(
    "GET",
    "/v1/moderation/stats",
    summary="Queue sizes, decisions per day and filter overturn rates",
    tags=TAGS,
    query=StatsQuery,
    responses={200: StatsResponse},
    auth=AUTH,
)
@auth.moderator_required
def stats() -> ResponseReturnValue:
    query = parse_query(StatsQuery)
    with services().sessions() as session:
        return _answer(operations.site_stats(session, auth.current_moderator(), query))
