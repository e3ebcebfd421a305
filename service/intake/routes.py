"""`POST /v1/sites/{site}/comments`: validate, run the cheap checks, then store, commit and enqueue."""

from __future__ import annotations

from urllib.parse import urlsplit

import structlog
from flask import Blueprint, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError

from config.sites import SitePolicy
from service.domain.check_tokens import read_check_token
from service.domain.receipts import receipt_for
from service.edge.api import Link, document, parse, read_body
from service.edge.errors import ApiError
from service.intake.form_tokens import form_token_status
from service.intake.models import CommentAccepted, CommentSubmission
from service.observability import metrics
from service.observability.structured_logs import current_request_id
from service.public.sites import site_or_404
from service.ratelimit.grouped_limit import RateLimited
from service.ratelimit.limits import client_address
from service.runtime.services import services
from service.storage.db import on_hot_path
from service.storage.models import Comment
from service.storage.site_directory import SiteRef

blueprint = Blueprint("intake", __name__)

_COMMENT_ID = {"path.comment_id": "$response.body#/id"}
# Where a new comment's id leads: its author's status poll, a reader's report, and the moderators' views.
COMMENT_LINKS = {
    "status": Link("comment_status", {**_COMMENT_ID, "query.receipt": "$response.body#/receipt"}),
    "report": Link("report_comment", _COMMENT_ID),
    **{view: Link(view, _COMMENT_ID) for view in ("comment_detail", "decision", "undo", "claim", "release")},
}
log = structlog.get_logger(__name__)


@blueprint.post("/v1/sites/<site_name>/comments")
@document(
    "POST",
    "/v1/sites/{site_name}/comments",
    summary="Submit a comment",
    tags=("public",),
    body=CommentSubmission,
    responses={202: CommentAccepted, 303: None},
    form=True,
    path_params={"site_name": "string"},
    links={202: COMMENT_LINKS},
)
def submit_comment(site_name: str) -> ResponseReturnValue:
    app = services()
    policy = app.policies.for_site(site_name)
    # The rate limit counts this request once: here if it is refused before it is stored, else in its group commit.
    with app.intake_limit.count_if_refused(client_address()):
        data, from_form = read_body(allow_form=True)
        honeypot_filled = bool(str(data.pop(policy.intake.honeypot_field, "") or "").strip())
        submission, site = accept_submission(site_name, policy, data)
        token_status = form_token_status(site_name, policy, submission.form_token)
        warning = _warning_of(site_name, submission)
        _check_parent(site.id, submission)
    try:
        try:
            comment_id = _store(site.id, submission, honeypot_filled, token_status, warning)
        except IntegrityError:
            # The cached site was deleted (and perhaps re-created) since we read it: read it again once.
            app.sites.forget(site_name)
            comment_id = _store(_open_site(site_name, policy).id, submission, honeypot_filled, token_status, warning)
    except RateLimited as refused:
        raise refused.answer() from None
    # Committed: from here on nothing is lost, since the sweeper re-sends what never reached the queue.

    receipt = receipt_for(app.settings.secret_key, comment_id)
    status_url = url_for("public.comment_status", comment_id=comment_id, receipt=receipt, _external=True)
    log.info("intake.accepted", comment_id=comment_id, site=site_name)
    metrics.record_comment_received(site_name)
    if from_form and submission.page_url and _may_redirect_to(submission.page_url, policy.intake.allowed_origins):
        return redirect(f"{submission.page_url.split('#')[0]}#sift-comment-{comment_id}", code=303)
    body = CommentAccepted(id=comment_id, status="received", status_url=status_url, receipt=receipt)
    return jsonify(body.model_dump()), 202, {"Location": status_url}


def accept_submission(site_name: str, policy: SitePolicy, data: dict[str, object]) -> tuple[CommentSubmission, SiteRef]:
    """Validate a submission's fields against the site's limits, its origin, and that the site is open."""
    submission = parse(CommentSubmission, data)
    if len(submission.body) > policy.intake.max_body_chars:
        raise ApiError(
            422,
            "Some fields are invalid.",
            fields={"body": f"must be at most {policy.intake.max_body_chars} characters"},
        )
    _check_origin(policy.intake.allowed_origins)
    return submission, _open_site(site_name, policy)


def _open_site(site_name: str, policy: SitePolicy) -> SiteRef:
    site = site_or_404(site_name)
    if not site.is_open or not policy.intake.open:
        raise ApiError(403, "This site is not accepting comments.", code="site_closed")
    return site


def _check_parent(site_id: int, submission: CommentSubmission) -> None:
    if submission.parent is None:
        return
    parent = _parent_of_reply(submission.parent)
    if parent is None or parent.site_id != site_id or parent.thread != submission.thread:
        raise ApiError(422, "Some fields are invalid.", fields={"parent": "no such comment in this thread"})


def _warning_of(site_name: str, submission: CommentSubmission) -> str:
    """What the draft check warned about, from the check token the form sent back ("" without one)."""
    if submission.check_token is None:
        return ""
    secret = services().settings.secret_key
    warning = read_check_token(secret, submission.check_token, site_name, submission.body)
    if warning is None:
        raise ApiError(422, "Some fields are invalid.", fields={"check_token": "is not a check token this site gave"})
    return warning.stored()


def _store(site_id: int, submission: CommentSubmission, honeypot_filled: bool, token_status: str, warning: str) -> int:
    """Count the rate limit, insert the comment as `received`, commit and queue it; return its id.

    Comments in flight at once in this process share one limit check, one INSERT and one LPUSH
    (`IntakeWriter`). Raises `RateLimited` if the client's address is over its limit.
    """
    return services().intake_writer.store(
        {
            "site_id": site_id,
            "thread": submission.thread,
            "parent_id": submission.parent,
            "body": submission.body,
            "author_name": submission.author_name or "",
            "author_email": (submission.author_email or "").lower(),
            "author_url": submission.author_url or "",
            "page_url": submission.page_url or "",
            "client_ip": request.remote_addr or "",
            "user_agent": (request.user_agent.string or "")[:500],
            "honeypot_filled": honeypot_filled,
            "form_token_status": token_status,
            "request_id": current_request_id(),
            "enqueue_count": 1,
            "warning": warning,
        }
    )


def _parent_of_reply(parent_id: int) -> Row[int, str] | None:
    statement = select(Comment.site_id, Comment.thread).where(Comment.id == parent_id)
    return on_hot_path(services().intake_engine, lambda connection: connection.execute(statement).first())


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _check_origin(allowed: tuple[str, ...]) -> None:
    origin = request.headers.get("Origin")
    if allowed and origin and origin.lower() not in {o.lower() for o in allowed}:
        raise ApiError(403, "This origin may not post comments to this site.", code="origin_not_allowed")


def _may_redirect_to(page_url: str, allowed: tuple[str, ...]) -> bool:
    """Redirect form posts only back to the site's own pages, never to an arbitrary URL."""
    target = _origin_of(page_url)
    if allowed:
        return target in {o.lower() for o in allowed}
    return target == _origin_of(request.host_url)
