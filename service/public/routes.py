"""Public reads: a thread's published comments, a comment's status for its author, form tokens."""

from __future__ import annotations

import hashlib
import time

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from service.domain.form_tokens import issue_form_token
from service.domain.receipts import receipt_matches
from service.domain.statuses import Status
from service.edge.api import document, parse_query
from service.edge.errors import ApiError
from service.public.models import CommentStatus, FormToken, PublishedComment, StatusQuery, ThreadComments
from service.public.sites import site_or_404
from service.runtime.services import services
from service.storage.models import Comment, Site, Verdict

blueprint = Blueprint("public", __name__)

_GENERIC_REASONS = {
    Status.RECEIVED.value: [],
    Status.PUBLISHED.value: [],
    Status.HELD.value: ["Your comment is waiting for a moderator."],
    Status.REJECTED.value: ["Your comment was not published."],
    Status.REPORTED.value: ["Your comment is being reviewed after readers reported it."],
    Status.DELETED.value: ["Your comment was removed."],
}


@blueprint.get("/v1/sites/<site_name>/threads/<path:thread>/comments")
@document(
    "GET",
    "/v1/sites/{site_name}/threads/{thread}/comments",
    summary="Read a thread's published comments",
    tags=("public",),
    responses={200: ThreadComments, 304: None},
    path_params={"site_name": "string", "thread": "string"},
)
def thread_comments(site_name: str, thread: str) -> ResponseReturnValue:
    app = services()
    policy = app.policies.for_site(site_name)
    visible = [Status.PUBLISHED.value]
    if not policy.moderation.hide_reported:
        visible.append(Status.REPORTED.value)
    site = site_or_404(site_name)
    with app.sessions() as session:
        rows = session.scalars(
            select(Comment)
            .where(Comment.site_id == site.id, Comment.thread == thread, Comment.status.in_(visible))
            .order_by(Comment.created_at, Comment.id)
        ).all()
    nodes = {
        row.id: PublishedComment(
            id=row.id,
            parent=row.parent_id,
            author_name=row.author_name or "Anonymous",
            author_url=row.author_url,
            body=row.censored_body or row.body,
            created_at=row.created_at.isoformat(),
        )
        for row in rows
    }
    roots: list[PublishedComment] = []
    for node in nodes.values():
        # A reply whose parent is not visible is shown at the top level rather than lost.
        parent = nodes.get(node.parent) if node.parent is not None else None
        (parent.replies if parent is not None else roots).append(node)
    payload = ThreadComments(site=site_name, thread=thread, count=len(nodes), comments=roots)
    response = jsonify(payload.model_dump())
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


@blueprint.get("/v1/comments/<int:comment_id>/status")
@document(
    "GET",
    "/v1/comments/{comment_id}/status",
    summary="Poll a comment's status with its receipt",
    tags=("public",),
    query=StatusQuery,
    responses={200: CommentStatus},
    path_params={"comment_id": "integer"},
)
def comment_status(comment_id: int) -> ResponseReturnValue:
    query = parse_query(StatusQuery)
    app = services()
    with app.sessions() as session:
        comment = session.get(Comment, comment_id)
        if comment is None or not receipt_matches(app.settings.secret_key, comment_id, query.receipt):
            # The same answer for both, so a receipt cannot be used to probe for comments.
            raise ApiError(404, "No comment with that id and receipt.")
        site = session.get(Site, comment.site_id)
        assert site is not None
        reasons = list(_GENERIC_REASONS[comment.status])
        if app.policies.for_site(site.name).moderation.show_reasons_to_author and comment.status in (
            Status.HELD.value,
            Status.REJECTED.value,
        ):
            reasons = list(session.scalars(select(Verdict.reason).where(Verdict.comment_id == comment.id)))
        status = CommentStatus(id=comment.id, status=comment.status, reasons=reasons)
    return jsonify(status.model_dump())


@blueprint.get("/v1/sites/<site_name>/form-token")
@document(
    "GET",
    "/v1/sites/{site_name}/form-token",
    summary="Get a signed single-use form token",
    tags=("public",),
    responses={200: FormToken},
    path_params={"site_name": "string"},
)
def form_token(site_name: str) -> ResponseReturnValue:
    app = services()
    site_or_404(site_name)
    policy = app.policies.for_site(site_name)
    token = issue_form_token(app.settings.secret_key, site_name, time.time())
    payload = FormToken(
        token=token, expires_in=policy.intake.form_token_max_age_seconds, honeypot_field=policy.intake.honeypot_field
    )
    return jsonify(payload.model_dump()), 200, {"Cache-Control": "no-store"}
