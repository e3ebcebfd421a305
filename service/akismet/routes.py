"""An Akismet-compatible API, so existing Akismet clients can point at Sift unchanged.

Answers are Akismet's exact plain-text words (`true`, `false`, `valid`, `invalid`,
`Thanks for making the web a better place.`) and headers; the key is a site API key
(`sift keys create --site S`), sent as `key` or `api_key` in the form body.
"""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from service.api import document, read_body
from service.dry_run import run_dry
from service.errors import ApiError
from service.services import services
from service.storage.accounts import site_for_key
from service.storage.models import Site

blueprint = Blueprint("akismet", __name__)

THANKS = "Thanks for making the web a better place."
# Akismet's documented test trigger: this author email always answers spam.
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"


def _text(body: str, **headers: str) -> Response:
    return Response(body, mimetype="text/plain", headers=headers)


def _site_for(fields: dict[str, str]) -> Site | None:
    key = fields.get("api_key") or fields.get("key") or ""
    if not key:
        return None
    with services().sessions() as session, session.begin():
        return site_for_key(session, key)


def _fields() -> dict[str, str]:
    data, _ = read_body(allow_form=True)
    return {str(key): str(value) for key, value in data.items()}


def _invalid_key() -> Response:
    return _text("invalid", **{"X-akismet-debug-help": "The API key is not a valid Sift site key."})


@blueprint.post("/1.1/verify-key")
@document("POST", "/1.1/verify-key", summary="Akismet: verify a site key", tags=("akismet",), form=True)
def verify_key() -> ResponseReturnValue:
    return _text("valid") if _site_for(_fields()) is not None else _invalid_key()


@blueprint.post("/1.1/comment-check")
@document("POST", "/1.1/comment-check", summary="Akismet: is this comment spam?", tags=("akismet",), form=True)
def comment_check() -> ResponseReturnValue:
    fields = _fields()
    site = _site_for(fields)
    if site is None:
        return _invalid_key()
    if fields.get("comment_author_email", "").lower() == GUARANTEED_SPAM_EMAIL:
        return _text("true")
    if "comment_content" not in fields:
        raise ApiError(422, "Some fields are invalid.", fields={"comment_content": "Field required"})
    decision = run_dry(
        site.name,
        {
            "body": fields.get("comment_content", ""),
            "author_name": fields.get("comment_author", ""),
            "author_email": fields.get("comment_author_email", ""),
            "author_url": fields.get("comment_author_url", ""),
            "client_ip": fields.get("user_ip", request.remote_addr or ""),
            "user_agent": fields.get("user_agent", ""),
            "thread": fields.get("permalink", ""),
        },
    )
    if decision["action"] == "publish":
        return _text("false")
    headers = {"X-akismet-pro-tip": "discard"} if decision["action"] == "discard" else {}
    return _text("true", **headers)


@blueprint.post("/1.1/submit-spam")
@document("POST", "/1.1/submit-spam", summary="Akismet: this comment was spam", tags=("akismet",), form=True)
def submit_spam() -> ResponseReturnValue:
    return _teach("spam")


@blueprint.post("/1.1/submit-ham")
@document("POST", "/1.1/submit-ham", summary="Akismet: this comment was not spam", tags=("akismet",), form=True)
def submit_ham() -> ResponseReturnValue:
    return _teach("ham")


def _teach(label: str) -> Response:
    fields = _fields()
    site = _site_for(fields)
    if site is None:
        return _invalid_key()
    from workers.learning import train

    train(services().redis, site.name, fields.get("comment_content", ""), label)
    return _text(THANKS)
