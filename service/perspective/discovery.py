"""The Google API discovery document of `commentanalyzer v1alpha1`, pointing at this Sift.

Google's client libraries (`googleapiclient.discovery.build("commentanalyzer", "v1alpha1",
discoveryServiceUrl=..., developerKey=...)`) build their methods from this document and send
each call to its `rootUrl`: here the address the document was fetched from, so a client pointed
at Sift's discovery URL talks to Sift only. Written out by hand because it is Google's format,
not OpenAPI; its schemas describe the fields Sift reads and answers (models.py).
"""

from __future__ import annotations

from typing import Any

from service.perspective.analysis import PERSPECTIVE_ATTRIBUTES


def _object(description: str, **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties}


def _string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _boolean(description: str) -> dict[str, Any]:
    return {"type": "boolean", "description": description}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": name}


def _schemas() -> dict[str, Any]:
    schemas = {
        "TextEntry": _object("A text to score.", text=_string("The text."), type=_string("PLAIN_TEXT or HTML.")),
        "AttributeParameters": _object(
            "How to score one attribute.",
            scoreType=_string("PROBABILITY (the only type Sift answers)."),
            scoreThreshold={"type": "number", "format": "float", "description": "Leave out scores below this."},
        ),
        "AnalyzeCommentRequest": _object(
            "The comment analysis request.",
            comment=_ref("TextEntry"),
            requestedAttributes={
                "type": "object",
                "description": "Attributes to score: " + ", ".join(PERSPECTIVE_ATTRIBUTES) + ".",
                "additionalProperties": _ref("AttributeParameters"),
            },
            spanAnnotations=_boolean("Answer span scores too."),
            languages={"type": "array", "items": {"type": "string"}, "description": "Sift serves en."},
            doNotStore=_boolean("Sift stores nothing from this endpoint, whatever this says."),
            clientToken=_string("Echoed in the answer."),
            dropUnsupportedAttributes=_boolean("Drop attributes the language is not served for."),
            communityId=_string("Accepted, unused."),
            sessionId=_string("Accepted, unused."),
            context={"type": "object", "description": "Accepted, unused.", "additionalProperties": {"type": "any"}},
        ),
        "Score": _object(
            "A score.",
            value={"type": "number", "format": "float", "description": "A probability in [0, 1]."},
            type=_string("PROBABILITY."),
        ),
        "SpanScore": _object(
            "The score of a part of the text.",
            begin={"type": "integer", "format": "int32", "description": "First character."},
            end={"type": "integer", "format": "int32", "description": "One past the last character."},
            score=_ref("Score"),
        ),
        "AttributeScores": _object(
            "One attribute's scores.",
            summaryScore=_ref("Score"),
            spanScores={"type": "array", "items": _ref("SpanScore"), "description": "Scores of parts of the text."},
        ),
        "AnalyzeCommentResponse": _object(
            "The comment analysis response.",
            attributeScores={"type": "object", "additionalProperties": _ref("AttributeScores"), "description": ""},
            languages={"type": "array", "items": {"type": "string"}, "description": "Languages scored in."},
            detectedLanguages={"type": "array", "items": {"type": "string"}, "description": "Same as languages."},
            clientToken=_string("The request's clientToken."),
        ),
        "SuggestCommentScoreRequest": _object(
            "A suggested score (accepted; Sift keeps nothing).",
            comment=_ref("TextEntry"),
            attributeScores={"type": "object", "additionalProperties": _ref("AttributeScores"), "description": ""},
            clientToken=_string("Echoed in the answer."),
        ),
        "SuggestCommentScoreResponse": _object("The answer to a suggested score.", clientToken=_string("Echoed.")),
    }
    for name, schema in schemas.items():
        schema["id"] = name
    return schemas


def _method(name: str, request: str, response: str, description: str) -> dict[str, Any]:
    return {
        "id": f"commentanalyzer.comments.{name}",
        "path": f"v1alpha1/comments:{name}",
        "flatPath": f"v1alpha1/comments:{name}",
        "httpMethod": "POST",
        "description": description,
        "parameters": {},
        "parameterOrder": [],
        "request": _ref(request),
        "response": _ref(response),
    }


def discovery_document(root_url: str) -> dict[str, Any]:
    """Return the discovery document whose methods call `root_url` (ending in "/")."""
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": "commentanalyzer:v1alpha1",
        "name": "commentanalyzer",
        "version": "v1alpha1",
        "title": "Perspective Comment Analyzer API (served by Sift)",
        "description": "Attribute probabilities for a comment, computed by Sift's own models on this server.",
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "basePath": "",
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", "location": "query", "description": "A Sift site key."},
            "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"]},
            "prettyPrint": {"type": "boolean", "location": "query", "default": "true"},
            "fields": {"type": "string", "location": "query", "description": "Accepted, unused."},
            "quotaUser": {"type": "string", "location": "query", "description": "Accepted, unused."},
        },
        "resources": {
            "comments": {
                "methods": {
                    "analyze": _method(
                        "analyze",
                        "AnalyzeCommentRequest",
                        "AnalyzeCommentResponse",
                        "Score a comment's attributes.",
                    ),
                    "suggestscore": _method(
                        "suggestscore",
                        "SuggestCommentScoreRequest",
                        "SuggestCommentScoreResponse",
                        "Accept a suggested score; Sift keeps nothing.",
                    ),
                }
            }
        },
        "schemas": _schemas(),
    }
