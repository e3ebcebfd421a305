"""`POST /v1/comments/{id}/reports`: readers flag a published comment; enough distinct readers send it to the queue."""

from __future__ import annotations

import hashlib
import hmac

import structlog
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from service.domain.statuses import Status
from service.edge.api import document, parse_json
from service.edge.errors import ApiError
from service.edge.fields import StoredText
from service.ratelimit.limits import limit_reports
from service.runtime.services import services
from service.storage.comments import Actor, change_status
from service.storage.models import Comment, Report, Site

blueprint = Blueprint("reports", __name__)
log = structlog.get_logger(__name__)

READERS = Actor("system", None, "reader reports")
_REPORTABLE = (Status.PUBLISHED.value, Status.REPORTED.value)


class ReportRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [{"reason": "It insults another reader."}]},
    )

    reason: StoredText = Field(min_length=1, max_length=500, description="Why the reader thinks it should go.")


class ReportAccepted(BaseModel):
    id: int
    reported: bool


@blueprint.post("/v1/comments/<int:comment_id>/reports")
@document(
    "POST",
    "/v1/comments/{comment_id}/reports",
    summary="Report a published comment",
    tags=("public",),
    body=ReportRequest,
    responses={202: ReportAccepted},
    path_params={"comment_id": "integer"},
)
# SIFT_RATE_LIMIT_REPORTS per client address (a fixed 10 a minute of its own here ignored the setting).
@limit_reports
def report_comment(comment_id: int) -> ResponseReturnValue:
    body = parse_json(ReportRequest)
    address = request.remote_addr or ""
    app = services()
    with app.sessions() as session, session.begin():
        # Locked, so concurrent reports are counted one after another.
        comment = session.scalar(select(Comment).where(Comment.id == comment_id).with_for_update())
        if comment is None or comment.status not in _REPORTABLE:
            raise ApiError(404, f"No published comment {comment_id}.")
        reporter = _reporter_key(app.settings.secret_key, comment_id, address)
        seen = session.scalar(select(Report.id).where(Report.comment_id == comment.id, Report.reporter_key == reporter))
        # A reader reporting again is answered the same, but counted once.
        if seen is None:
            session.add(Report(comment_id=comment.id, reporter_key=reporter, reason=body.reason))
            count = comment.report_count + 1
            site = session.get(Site, comment.site_id)
            assert site is not None
            threshold = app.policies.for_site(site.name).moderation.report_threshold
            if comment.status == Status.PUBLISHED.value and count >= threshold:
                change_status(
                    session,
                    comment,
                    Status.REPORTED,
                    READERS,
                    action="report",
                    reason=f"{count} readers reported it (site threshold {threshold})",
                    values={"report_count": count},
                )
                log.info("reports.sent_to_queue", comment_id=comment.id, site=site.name, reports=count)
            else:
                comment.report_count = count
    return jsonify(ReportAccepted(id=comment_id, reported=True).model_dump()), 202


def _reporter_key(secret: str, comment_id: int, address: str) -> str:
    """Key a reader by address without keeping the address (per comment, so keys never link readers across comments)."""
    return hmac.new(secret.encode(), f"report:{comment_id}:{address}".encode(), hashlib.sha256).hexdigest()
