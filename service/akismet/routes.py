"""An Akismet-compatible API, so existing Akismet clients can point at Sift unchanged.

Answers are Akismet's exact plain-text words (`true`, `false`, `valid`, `invalid`,
`Thanks for making the web a better place.`) and headers; the key is a site API key
(`sift keys create --site S`), sent as `key` or `api_key` in the form body.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from service.akismet.models import AkismetComment, AkismetKey
from service.edge.api import document, parse, read_body
from service.runtime.dry_run import run_dry
from service.runtime.services import services
from service.storage.accounts import site_for_key
from service.storage.models import Site

blueprint = Blueprint("akismet", __name__)
KeyT = TypeVar("KeyT", bound=AkismetKey)

THANKS = "Thanks for making the web a better place."
# Akismet's documented test trigger: this author email always answers spam.
GUARANTEED_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"


def _text(body: str, **headers: str) -> Response:
    return Response(body, mimetype="text/plain", headers=headers)


def _site_for(fields: AkismetKey) -> Site | None:
    key = fields.api_key or fields.key
    if not key:
        return None
    with services().sessions() as session, session.begin():
        return site_for_key(session, key)


def _fields(model: type[KeyT]) -> KeyT:
    data, _ = read_body(allow_form=True)
    return parse(model, data)


def _invalid_key() -> Response:
    return _text("invalid", **{"X-akismet-debug-help": "The API key is not a valid Sift site key."})


@blueprint.post("/1.1/verify-key")
@document(
    "POST", "/1.1/verify-key", summary="Akismet: verify a site key", tags=("akismet",), body=AkismetKey, form=True
)
def verify_key() -> ResponseReturnValue:
    return _text("valid") if _site_for(_fields(AkismetKey)) is not None else _invalid_key()


@blueprint.post("/1.1/comment-check")
@document(
    "POST",
    "/1.1/comment-check",
    summary="Akismet: is this comment spam?",
    tags=("akismet",),
    body=AkismetComment,
    form=True,
)
def comment_check() -> ResponseReturnValue:
    fields = _fields(AkismetComment)
    site = _site_for(fields)
    if site is None:
        return _invalid_key()
    if fields.comment_author_email.lower() == GUARANTEED_SPAM_EMAIL:
        return _text("true")
    decision = run_dry(
        site.name,
        {
            "body": fields.comment_content,
            "author_name": fields.comment_author,
            "author_email": fields.comment_author_email,
            "author_url": fields.comment_author_url,
            "client_ip": fields.user_ip or request.remote_addr or "",
            "user_agent": fields.user_agent,
            "thread": fields.permalink,
        },
    )
    if decision["action"] == "publish":
        return _text("false")
    headers = {"X-akismet-pro-tip": "discard"} if decision["action"] == "discard" else {}
    return _text("true", **headers)


@blueprint.post("/1.1/submit-spam")
@document(
    "POST",
    "/1.1/submit-spam",
    summary="Akismet: this comment was spam",
    tags=("akismet",),
    body=AkismetComment,
    form=True,
)
def submit_spam() -> ResponseReturnValue:
    return _teach("spam")


@blueprint.post("/1.1/submit-ham")
@document(
    "POST",
    "/1.1/submit-ham",
    summary="Akismet: this comment was not spam",
    tags=("akismet",),
    body=AkismetComment,
    form=True,
)
def submit_ham() -> ResponseReturnValue:
    return _teach("ham")


def _teach(label: str) -> Response:
    fields = _fields(AkismetComment)
    site = _site_for(fields)
    if site is None:
        return _invalid_key()
    from workers.learning import train

    train(services().redis, site.name, fields.comment_content, label)
    return _text(THANKS)
