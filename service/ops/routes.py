"""Operations endpoints: liveness, readiness and the OpenAPI document."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel
from sqlalchemy import text

from service.edge.api import build_openapi, document
from service.runtime.services import services

blueprint = Blueprint("ops", __name__)


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}


@blueprint.get("/healthz")
@document("GET", "/healthz", summary="The process is alive", tags=("ops",), responses={200: Health})
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok", checks={})


@blueprint.get("/readyz")
@document(
    "GET",
    "/readyz",
    summary="The database and Redis are reachable",
    tags=("ops",),
    responses={200: Health, 503: Health},
)
def readyz() -> ResponseReturnValue:
    app = services()
    checks: dict[str, str] = {}
    try:
        with app.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"unavailable: {type(error).__name__}"
    try:
        app.redis.ping()
        checks["redis"] = "ok"
    except Exception as error:  # noqa: BLE001
        checks["redis"] = f"unavailable: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    headers = {} if ready else {"Retry-After": "5"}
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503, headers


@blueprint.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(_openapi_document())


@functools.cache
def _openapi_document() -> dict[str, Any]:
    return build_openapi("Sift", "1.0.0")
