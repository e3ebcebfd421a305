"""`POST /v1/sites/{site}/comments:check`: what would happen to a draft, and why, before it is posted.

The site's real pipeline runs on the draft in a worker (`service.runtime.dry_run`: nothing is stored,
and velocity, duplicates and history, which describe real traffic, are left out). The answer
says what would happen in a reader's words (`service.domain.draft_words`), so a form can ask
"Post anyway?"; with a warning comes a check token, and a comment posted with it carries the
warning to the moderators (`posted-after-warning`).
"""

from __future__ import annotations

from typing import Literal

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from service.domain.check_tokens import issue_check_token
from service.domain.draft_words import NOT_A_WARNING, OUTCOME_WORDS, public_action, reader_words
from service.edge.api import document, read_body
from service.intake.models import CommentSubmission
from service.intake.routes import accept_submission
from service.observability import metrics
from service.ratelimit.limits import client_address, limit_check
from service.runtime.dry_run import run_dry
from service.runtime.services import services

blueprint = Blueprint("draft_check", __name__)


class DraftReason(BaseModel):
    filter_id: str
    category: Literal["spam", "abuse"]
    message: str
    # [[start, end], ...] into the draft's body: what to highlight.
    spans: list[list[int]]


class DraftChecked(BaseModel):
    action: Literal["publish", "censor", "hold", "reject"]
    warn: bool
    outcome: str
    reasons: list[DraftReason]
    check_token: str | None


@blueprint.post("/v1/sites/<site_name>/comments:check")
@document(
    "POST",
    "/v1/sites/{site_name}/comments:check",
    summary="Check a draft against the site's policy (nothing is stored)",
    tags=("public",),
    body=CommentSubmission,
    responses={200: DraftChecked},
    path_params={"site_name": "string"},
)
@limit_check
def check_draft(site_name: str) -> ResponseReturnValue:
    app = services()
    policy = app.policies.for_site(site_name)
    data, _ = read_body()
    data.pop(policy.intake.honeypot_field, None)
    submission, _site = accept_submission(site_name, policy, data)
    decision = run_dry(
        site_name,
        {
            "body": submission.body,
            "thread": submission.thread,
            "author_name": submission.author_name or "",
            "author_email": (submission.author_email or "").lower(),
            "author_url": submission.author_url or "",
            "client_ip": client_address(),
            "user_agent": (request.user_agent.string or "")[:500],
        },
    )
    action = public_action(decision["action"])
    # The verdicts that ask for more than publishing, most severe (the deciding ones) first.
    raised = sorted(
        (verdict for verdict in decision["verdicts"] if verdict["action"] != "publish"),
        key=lambda verdict: verdict["action"] != decision["action"],
    )
    reasons: list[DraftReason] = []
    for verdict in raised:
        message = reader_words(verdict["filter_id"])
        if all(reason.message != message for reason in reasons):
            reasons.append(
                DraftReason(
                    filter_id=verdict["filter_id"],
                    category=verdict["category"],
                    message=message,
                    spans=verdict["spans"],
                )
            )
    warned = [reason for reason in reasons if reason.filter_id not in NOT_A_WARNING]
    token = None
    if warned:
        token = issue_check_token(
            app.settings.secret_key,
            site_name,
            submission.body,
            warned[0].category,
            tuple(dict.fromkeys(reason.filter_id for reason in warned)),
        )
    metrics.DRAFT_CHECKS.labels(site=site_name, action=action).inc()
    body = DraftChecked(
        action=action,  # type: ignore[arg-type]
        warn=bool(warned),
        outcome=OUTCOME_WORDS.get(action, OUTCOME_WORDS["hold"]),
        reasons=reasons,
        check_token=token,
    )
    return jsonify(body.model_dump())
