"""One JSON error shape for every failure: `{"error": {"code", "message", "fields"?}}`."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

import structlog
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

log = structlog.get_logger(__name__)

_CODES = {
    400: "malformed",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answered to the client as it is."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")
        self.fields = fields
        self.headers = headers or {}


def error_response(error: ApiError) -> ResponseReturnValue:
    payload: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields:
        payload["fields"] = error.fields
    return jsonify(error=payload), error.status, error.headers


def fields_from_validation(error: ValidationError) -> dict[str, str]:
    """Turn pydantic's errors into `{field: message}`, first message per field."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        fields.setdefault(name, item["msg"])
    return fields


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_in_address() -> None:
        # PostgreSQL refuses NUL in text, so a path or query carrying one would fail its query with a 500.
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.query_string):
            raise ApiError(400, "The address contains a NUL character.")

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> ResponseReturnValue:
        return error_response(error)

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError) -> ResponseReturnValue:
        return error_response(ApiError(422, "Some fields are invalid.", fields=fields_from_validation(error)))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        headers = {}
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        message = error.description or error.name
        if status == 413:
            message = "The request is too large."
        return error_response(ApiError(status, message, headers=headers))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("request.unhandled_error", error_type=type(error).__name__)
        return error_response(ApiError(500, "Something went wrong on our side.", code="internal"))
