"""Perspective's `comments:analyze` request and response, as its clients send and read them.

Perspective is a protobuf service: its JSON accepts each field in lowerCamelCase or in the
proto's snake_case, so both spellings validate here and answers use lowerCamelCase.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


def _either(camel: str, snake: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(camel, snake), serialization_alias=camel)


def _document_text(schema: dict[str, Any]) -> None:
    # What `analysis.plan_analysis` refuses, said in the document (clients and the fuzzer read it),
    # while the check itself stays there and answers in Perspective's error shape.
    schema["properties"]["text"] = {"type": "string", "minLength": 1, "maxLength": 5_120}
    schema["required"] = ["text"]


class TextEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra=_document_text)

    text: str | None = None
    type: str | None = Field(None, description="PLAIN_TEXT (the default) or HTML; both are scored as written.")


def _document_parameters(schema: dict[str, Any]) -> None:
    properties = schema["properties"]
    properties["scoreType"] = {"type": "string", "enum": ["PROBABILITY"]}
    properties["scoreThreshold"] = {"type": "number", "minimum": 0, "maximum": 1}


class AttributeParameters(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, json_schema_extra=_document_parameters)

    score_type: str | None = _either("scoreType", "score_type")
    score_threshold: float | None = _either("scoreThreshold", "score_threshold")


def _document_request(schema: dict[str, Any]) -> None:
    from workers.filters.model.scores import ATTRIBUTES

    properties = schema["properties"]
    attributes = properties["requestedAttributes"]["anyOf"][0]
    attributes.update(minProperties=1, propertyNames={"enum": [name.upper() for name in ATTRIBUTES]})
    properties["requestedAttributes"] = attributes
    properties["comment"] = properties["comment"]["anyOf"][0]
    properties["languages"] = {"type": "array", "items": {"type": "string", "enum": ["en"]}}
    schema["required"] = ["comment", "requestedAttributes"]


class AnalyzeCommentRequest(BaseModel):
    """What Perspective clients send; `context`, `communityId` and `sessionId` are accepted and unused."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, json_schema_extra=_document_request)

    comment: TextEntry | None = None
    requested_attributes: dict[str, AttributeParameters | None] | None = _either(
        "requestedAttributes", "requested_attributes"
    )
    span_annotations: bool | None = _either("spanAnnotations", "span_annotations")
    languages: list[str] | None = None
    do_not_store: bool | None = _either("doNotStore", "do_not_store")
    client_token: str | None = _either("clientToken", "client_token")
    drop_unsupported_attributes: bool | None = _either("dropUnsupportedAttributes", "drop_unsupported_attributes")
    community_id: str | None = _either("communityId", "community_id")
    session_id: str | None = _either("sessionId", "session_id")
    context: dict[str, Any] | None = None


class Score(BaseModel):
    value: float
    type: str = "PROBABILITY"


class SpanScore(BaseModel):
    begin: int
    end: int
    score: Score


class AttributeScores(BaseModel):
    summaryScore: Score
    spanScores: list[SpanScore] | None = None


class AnalyzeCommentResponse(BaseModel):
    attributeScores: dict[str, AttributeScores]
    languages: list[str]
    detectedLanguages: list[str]
    clientToken: str | None = None


class SuggestCommentScoreRequest(BaseModel):
    """Coral sends a moderator's decision back as a suggested score; Sift keeps nothing from it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    comment: TextEntry | None = None
    attribute_scores: dict[str, Any] | None = _either("attributeScores", "attribute_scores")
    client_token: str | None = _either("clientToken", "client_token")


class SuggestCommentScoreResponse(BaseModel):
    clientToken: str | None = None
