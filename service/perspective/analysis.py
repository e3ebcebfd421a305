"""Answer a Perspective `comments:analyze` request from Sift's attribute scores (no Flask, no I/O).

Perspective's attribute names are Sift's in upper case (`workers.filters.model.scores.ATTRIBUTES`);
SPAM is Sift's own. Sift's models are trained on English, so English is the only language served:
a request naming another language gets Perspective's LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE error
(or, with `dropUnsupportedAttributes`, no score for it), and a request naming none is scored as
English, which the answer says in `languages` and `detectedLanguages` (Sift detects nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.perspective.models import AnalyzeCommentRequest, AttributeParameters
from workers.filters.model.scores import ATTRIBUTES, Scores

# Perspective's own limit on `comment.text`, in UTF-8 bytes.
MAX_TEXT_BYTES = 20_480
SUPPORTED_LANGUAGES = ("en",)
PERSPECTIVE_ATTRIBUTES = tuple(name.upper() for name in ATTRIBUTES)
ERROR_DETAIL_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"

# Google's canonical status for each HTTP code Sift answers here.
STATUS_FOR_CODE = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
}


@dataclass
class PerspectiveError(Exception):
    """An error answered in Google's shape: `{"error": {"code", "message", "status", "details"?}}`."""

    code: int
    message: str
    error_type: str | None = None
    extra_detail: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": STATUS_FOR_CODE.get(self.code, "UNKNOWN"),
        }
        if self.error_type:
            error["details"] = [{"@type": ERROR_DETAIL_TYPE, "errorType": self.error_type, **self.extra_detail}]
        return {"error": error}


@dataclass(frozen=True)
class Plan:
    """What to score and how to answer, once the request has been checked."""

    text: str
    attributes: dict[str, AttributeParameters]
    languages: list[str]
    span_annotations: bool
    client_token: str | None


def plan_analysis(request: AnalyzeCommentRequest) -> Plan:
    """Check a request as Perspective would; raise PerspectiveError for what it refuses."""
    text = request.comment.text if request.comment is not None else None
    if not text:
        raise PerspectiveError(400, "Comment must be non-empty.", "COMMENT_EMPTY")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise PerspectiveError(
            400, f"Comment text too long. Maximum size is {MAX_TEXT_BYTES} bytes.", "COMMENT_TOO_LONG"
        )
    requested = request.requested_attributes or {}
    if not requested:
        raise PerspectiveError(400, "requestedAttributes must name at least one attribute.")
    unknown = sorted(name for name in requested if name not in PERSPECTIVE_ATTRIBUTES)
    if unknown:
        raise PerspectiveError(
            400,
            f"Unknown requested attribute: {', '.join(unknown)}. Sift serves: {', '.join(PERSPECTIVE_ATTRIBUTES)}.",
        )
    attributes = {name: parameters or AttributeParameters() for name, parameters in requested.items()}
    for name, parameters in attributes.items():
        if parameters.score_type not in (None, "", "PROBABILITY"):
            raise PerspectiveError(
                400, f"Attribute {name}: scoreType {parameters.score_type} is not served; Sift scores PROBABILITY."
            )
        threshold = parameters.score_threshold
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise PerspectiveError(400, f"Attribute {name}: scoreThreshold must be between 0 and 1.")
    languages = [language.strip() for language in request.languages or [] if language.strip()]
    unsupported = [language for language in languages if _primary_language(language) not in SUPPORTED_LANGUAGES]
    if unsupported:
        if not request.drop_unsupported_attributes:
            first = next(iter(attributes))
            raise PerspectiveError(
                400,
                f"Attribute {first} does not support request languages: {','.join(unsupported)}",
                "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
                {"languageNotSupportedByAttributeError": {"detectedLanguages": unsupported, "attribute": first}},
            )
        attributes = {}
    return Plan(
        text=text,
        attributes=attributes,
        languages=languages or list(SUPPORTED_LANGUAGES),
        span_annotations=bool(request.span_annotations),
        client_token=request.client_token,
    )


def answer(plan: Plan, score: Callable[[str], Scores]) -> dict[str, Any]:
    """Score the text (only if any attribute is left to score) and build Perspective's answer."""
    attribute_scores: dict[str, Any] = {}
    if plan.attributes:
        scores = score(plan.text)
        for name, parameters in plan.attributes.items():
            found = scores[name.lower()]
            probability = round(min(1.0, max(0.0, found.probability)), 6)
            if parameters.score_threshold is not None and probability < parameters.score_threshold:
                continue
            summary = {"value": probability, "type": "PROBABILITY"}
            entry: dict[str, Any] = {"summaryScore": summary}
            if plan.span_annotations:
                # Without spans from the model, the whole text is one span, as Perspective answers a
                # one-sentence comment; offsets count characters (Unicode code points).
                spans = [(span.start, span.end) for span in found.spans] or [(0, len(plan.text))]
                entry["spanScores"] = [{"begin": begin, "end": end, "score": dict(summary)} for begin, end in spans]
            attribute_scores[name] = entry
    body: dict[str, Any] = {
        "attributeScores": attribute_scores,
        "languages": plan.languages,
        "detectedLanguages": [_primary_language(language) for language in plan.languages],
    }
    if plan.client_token is not None:
        body["clientToken"] = plan.client_token
    return body


def _primary_language(language: str) -> str:
    """ "en-US", "en_GB" and "EN" are English: BCP-47's primary subtag, lower case."""
    return language.replace("_", "-").split("-")[0].lower()
