"""Request parsing and the OpenAPI document, both driven by the same pydantic models.

We keep this glue ourselves rather than adopt flask-openapi3 or spectree because the
intake must accept JSON and plain HTML form posts into one model with one error
shape, and answer form posts with a redirect; the glue is small and fully tested.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from service.edge.errors import ApiError, fields_from_validation

ModelT = TypeVar("ModelT", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
# parse_qsl keeps a stray "%" as literal text; a browser never sends one, so it marks a malformed body.
_BAD_PERCENT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class Link:
    """An OpenAPI link: how a value in this operation's answer feeds another operation, named by its view.

    `parameters` map `path.name` / `query.name` to runtime expressions such as `$response.body#/id`;
    `body` holds fields merged into the target's request body (`{"key": "$response.body#/key"}`).
    Clients and fuzzers (schemathesis' stateful phase) follow them from a created thing to its uses.
    """

    operation_id: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None

    def as_openapi(self) -> dict[str, Any]:
        link: dict[str, Any] = {"operationId": self.operation_id}
        if self.parameters:
            link["parameters"] = dict(self.parameters)
        if self.body is not None:
            link["requestBody"] = dict(self.body)
        return link


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tags: tuple[str, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | None]
    auth: str | None
    form: bool
    path_params: dict[str, str] = field(default_factory=dict)
    # The view function's name: unique across the API, and what links name.
    operation_id: str = ""
    links: dict[int, dict[str, Link]] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def document(
    method: str,
    path: str,
    *,
    summary: str,
    tags: tuple[str, ...] = (),
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, type[BaseModel] | None] | None = None,
    auth: str | None = None,
    form: bool = False,
    path_params: dict[str, str] | None = None,
    links: dict[int, dict[str, Link]] | None = None,
) -> Callable[[F], F]:
    """Describe a route in the OpenAPI document (paths use OpenAPI's `{name}` form)."""

    def register(view: F) -> F:
        OPERATIONS.append(
            Operation(
                method.lower(),
                path,
                summary,
                tags,
                body,
                query,
                responses or {200: None},
                auth,
                form,
                path_params or {},
                view.__name__,
                links or {},
            )
        )
        return view

    return register


def read_body(allow_form: bool = False) -> tuple[dict[str, Any], bool]:
    """Return the request body as a dict and whether it came from an HTML form."""
    mimetype = request.mimetype
    if mimetype == JSON_TYPE:
        form = False
    elif mimetype == FORM_TYPE and allow_form:
        form = True
    else:
        accepted = f"{JSON_TYPE} or {FORM_TYPE}" if allow_form else JSON_TYPE
        raise ApiError(415, f"Send the body as {accepted}.")
    raw = request.get_data(cache=True)
    limit = request.max_content_length
    # Werkzeug silently stops a chunked body (no Content-Length) at the limit; one more byte means it was cut short.
    cut_short = request.content_length is None and limit is not None and len(raw) >= limit
    if cut_short and request.environ["wsgi.input"].read(1):
        raise ApiError(413, "The request is too large.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "The body is not valid UTF-8.") from None
    if form:
        if _BAD_PERCENT_ESCAPE.search(text):
            raise ApiError(400, "The form body has an invalid percent-escape.")
        try:
            pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "The form body is malformed or not valid UTF-8.") from None
        return dict(pairs), True
    if not text.strip():
        raise ApiError(400, "The body is empty; send a JSON object.")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return data, False


def parse(model: type[ModelT], data: Any) -> ModelT:
    """Validate data into the model, answering 422 with every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(422, "Some fields are invalid.", fields=fields_from_validation(error)) from None


def parse_json(model: type[ModelT]) -> ModelT:
    data, _ = read_body()
    return parse(model, data)


def parse_query(model: type[ModelT]) -> ModelT:
    return parse(model, {key: value for key, value in request.args.items()})


def build_openapi(title: str, version: str) -> dict[str, Any]:
    """Assemble the OpenAPI 3.1 document from the registered operations."""
    models: set[type[BaseModel]] = {ErrorResponse}
    for op in OPERATIONS:
        models.update(m for m in (op.body, op.query, *op.responses.values()) if m is not None)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, schema = models_json_schema([(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}")
    components = schema.get("$defs", {})

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return refs[(model, "validation")]

    operation_ids = [op.operation_id for op in OPERATIONS]
    repeated = sorted({name for name in operation_ids if operation_ids.count(name) > 1})
    if repeated:
        raise ValueError(f"two documented views share a name (the operationId): {', '.join(repeated)}")
    dangling = sorted(
        f"{op.operation_id} -> {link.operation_id}"
        for op in OPERATIONS
        for links in op.links.values()
        for link in links.values()
        if link.operation_id not in operation_ids
    )
    if dangling:
        raise ValueError(f"links to operations that are not documented: {', '.join(dangling)}")
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        operation: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": list(op.tags),
            "responses": {},
        }
        parameters: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
            for name, kind in op.path_params.items()
        ]
        if op.query is not None:
            for name, prop in op.query.model_json_schema()["properties"].items():
                prop.pop("title", None)
                parameters.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in op.query.model_json_schema().get("required", []),
                        "schema": prop,
                    }
                )
        if parameters:
            operation["parameters"] = parameters
        if op.body is not None:
            content = {JSON_TYPE: {"schema": ref(op.body)}}
            if op.form:
                content[FORM_TYPE] = {"schema": ref(op.body)}
            operation["requestBody"] = {"required": True, "content": content}
        for status, model in op.responses.items():
            response: dict[str, Any] = {"description": _describe(status)}
            if model is not None:
                response["content"] = {JSON_TYPE: {"schema": ref(model)}}
            if status in op.links:
                response["links"] = {name: link.as_openapi() for name, link in op.links[status].items()}
            operation["responses"][str(status)] = response
        operation["responses"]["default"] = {
            "description": "Error",
            "content": {JSON_TYPE: {"schema": ref(ErrorResponse)}},
        }
        if op.auth:
            operation["security"] = [{op.auth: []}]
        paths.setdefault(op.path, {})[op.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "moderatorToken": {"type": "http", "scheme": "bearer"},
                "siteKey": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def _describe(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No content", 303: "See other", 304: "Not modified"}.get(
        status, "Response"
    )


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorResponse(BaseModel):
    error: ErrorDetail
