"""A Perspective-compatible API, so Coral Talk and other Perspective clients can point at Sift unchanged.

`POST /v1alpha1/comments:analyze?key=SITE_KEY` answers attribute probabilities from Sift's models,
scored in this web process (`workers.filters.model.scores` imports neither Flask nor
better-profanity); `comments:suggestscore` is accepted so Coral's feedback calls succeed; the
discovery document lets Google's own client libraries build against Sift. Nothing a request sends
is stored, whatever its `doNotStore` says. Every error, a rate limit's and a bad body's too, is in
Google's shape (`{"error": {"code", "message", "status"}}`), never Sift's.
"""

from __future__ import annotations

from typing import Any, TypeVar

import structlog
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException

from service.edge.api import document, read_body
from service.edge.errors import ApiError
from service.observability import metrics
from service.perspective.analysis import PerspectiveError, answer, plan_analysis
from service.perspective.discovery import discovery_document
from service.perspective.models import (
    AnalyzeCommentRequest,
    AnalyzeCommentResponse,
    SuggestCommentScoreRequest,
    SuggestCommentScoreResponse,
)
from service.ratelimit.limits import limit_analyze, refusal_for
from service.runtime.services import services
from workers.filters.model.scores import score_text

blueprint = Blueprint("perspective", __name__)
log = structlog.get_logger(__name__)
ModelT = TypeVar("ModelT", bound=BaseModel)


class KeyQuery(BaseModel):
    key: str = Field(description="A site key (`sift keys create --site SITE`).")


def _perspective_method(name: str, summary: str, body: type[BaseModel], response: type[BaseModel]) -> Any:
    """Route, document and rate-limit (per key) one `comments:{name}` method."""
    path = f"/v1alpha1/comments:{name}"

    def register(view: Any) -> Any:
        documented = document(
            "POST", path, summary=summary, tags=("perspective",), body=body, query=KeyQuery, responses={200: response}
        )
        return blueprint.post(path)(documented(limit_analyze(view)))

    return register


@_perspective_method(
    "analyze", "Perspective: score a comment's attributes", AnalyzeCommentRequest, AnalyzeCommentResponse
)
def analyze_comment() -> ResponseReturnValue:
    site = _site_for_request_key()
    try:
        plan = plan_analysis(_parse(AnalyzeCommentRequest))
    except PerspectiveError as error:
        metrics.ANALYSES.labels(site=site, outcome=error.body()["error"]["status"]).inc()
        raise
    scored: list[str] = []

    def score(text: str) -> Any:
        scores = score_text(text)
        scored.append(scores.model_version)
        return scores

    body = answer(plan, score)
    metrics.ANALYSES.labels(site=site, outcome="ok").inc()
    headers = {"X-Sift-Model-Version": scored[0]} if scored else {}
    return jsonify(body), 200, headers


@_perspective_method(
    "suggestscore",
    "Perspective: accept a suggested score (nothing is kept)",
    SuggestCommentScoreRequest,
    SuggestCommentScoreResponse,
)
def suggest_comment_score() -> ResponseReturnValue:
    _site_for_request_key()
    suggestion = _parse(SuggestCommentScoreRequest)
    body = {"clientToken": suggestion.client_token} if suggestion.client_token is not None else {}
    return jsonify(body)


@blueprint.get("/$discovery/rest")
def discovery() -> ResponseReturnValue:
    version = request.args.get("version", "v1alpha1")
    if version != "v1alpha1":
        raise PerspectiveError(404, f"Discovery document not found for API service: commentanalyzer {version}")
    return jsonify(discovery_document(request.host_url))


def _site_for_request_key() -> str:
    """Return the name of the site whose key the request carries (`?key=`, or Google's `X-Goog-Api-Key`)."""
    key = (request.args.get("key") or request.headers.get("X-Goog-Api-Key") or "").strip()
    if not key:
        raise PerspectiveError(403, "The request is missing a valid API key.")
    name = services().sites.site_name_for_key(key)
    if name is None:
        raise PerspectiveError(400, "API key not valid. Please pass a valid API key.")
    return name


def _parse(model: type[ModelT]) -> ModelT:
    data, _ = read_body()
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise PerspectiveError(400, f"Invalid JSON payload: {where}: {first['msg']}") from None


@blueprint.errorhandler(PerspectiveError)
def _perspective_error(error: PerspectiveError) -> ResponseReturnValue:
    return jsonify(error.body()), error.code, error.headers


@blueprint.errorhandler(ApiError)
def _sift_error(error: ApiError) -> ResponseReturnValue:
    # A malformed, oversized or mistyped body, refused by the shared parser: answered in Google's shape.
    return _perspective_error(PerspectiveError(error.status, error.message, headers=error.headers))


@blueprint.errorhandler(RateLimitExceeded)
def _rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
    refused = refusal_for(error)
    return _perspective_error(
        PerspectiveError(429, "Quota exceeded for this site key; try again later.", headers=refused.headers)
    )


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    message = "The request is too large." if status == 413 else (error.description or error.name)
    return _perspective_error(PerspectiveError(status, message))


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception) -> ResponseReturnValue:
    log.exception("perspective.unhandled_error", error_type=type(error).__name__)
    return jsonify({"error": {"code": 500, "message": "Internal error.", "status": "INTERNAL"}}), 500
