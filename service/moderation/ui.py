"""`/moderate/`: the moderator's web pages, server-rendered over the same operations as the moderation API.

Pages work without JavaScript (every action is a form post with a CSRF token); the script in
static/moderate.js upgrades them to keyboard-driven work that calls the JSON API with `fetch`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from service.domain.constant_time import secrets_equal
from service.edge.api import parse
from service.edge.auth import current_moderator
from service.edge.errors import ApiError, error_response
from service.edge.fields import is_row_id
from service.moderation import operations
from service.moderation.highlight import highlight
from service.moderation.models import BulkDecisionRequest, QueueQuery, VerdictOut
from service.ratelimit.limits import limit_login
from service.runtime.dry_run import run_dry
from service.runtime.services import services
from service.storage import notices
from service.storage.accounts import Identity, authenticate
from service.storage.models import Verdict

blueprint = Blueprint(
    "moderate",
    __name__,
    url_prefix="/moderate",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

QUEUE_TABS = ("held", "reported", "rejected")
SORTS = {"oldest": "Oldest first", "newest": "Newest first", "score": "Highest score first"}
MAX_EMAIL_CHARS = 254
MAX_PASSWORD_CHARS = 1024
# No inline script or style anywhere: a comment that slipped past escaping still could not run.
_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class _SignInRequired(Exception):
    """The page needs a signed-in moderator."""


@blueprint.after_request
def _secure_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", _CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.errorhandler(_SignInRequired)
def _to_sign_in(_: _SignInRequired) -> ResponseReturnValue:
    return redirect(url_for("moderate.login_form", next=request.full_path.rstrip("?")), 303)


@blueprint.errorhandler(ApiError)
def _page_error(error: ApiError) -> ResponseReturnValue:
    """Answer a browser with a page and anything else with the one JSON error shape."""
    if not _wants_html():
        return error_response(error)
    # Only an identity this request already loaded: authenticating again here would raise the same error
    # (a failed CSRF check, say) inside its own handler and answer 500.
    identity = g.get("sift_identity")
    page = render_template("moderate/error.html", error=error, identity=identity, csrf_token=_csrf_token())
    return page, error.status, error.headers


@blueprint.errorhandler(RateLimitExceeded)
def _login_rate_limited(error: RateLimitExceeded) -> ResponseReturnValue:
    retry_after = "60"
    message = "Too many sign-in attempts. Wait a minute, then try again."
    if not _wants_html():
        return error_response(ApiError(429, message, headers={"Retry-After": retry_after}))
    page = render_template("moderate/login.html", message=message, email=request.form.get("email", ""), next="")
    return page, 429, {"Retry-After": retry_after}


# --- signing in and out ------------------------------------------------------------------------


@blueprint.get("/login")
def login_form() -> ResponseReturnValue:
    if _identity_or_none() is not None:
        return redirect(url_for("moderate.queue"), 303)
    _csrf_token()
    return render_template("moderate/login.html", message="", email="", next=_safe_next(request.args.get("next")))


@blueprint.post("/login")
@limit_login  # type: ignore[untyped-decorator]
def login() -> ResponseReturnValue:
    _require_form_csrf()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    next_url = _safe_next(request.form.get("next"))
    if not email or not password or len(email) > MAX_EMAIL_CHARS or len(password) > MAX_PASSWORD_CHARS:
        page = render_template("moderate/login.html", message="Enter your email and password.", email=email[:254])
        return page, 422
    with services().sessions() as db:
        moderator = authenticate(db, email, password)
        moderator_id = moderator.id if moderator is not None else None
    if moderator_id is None:
        message = "That email and password do not match an active moderator account."
        return render_template("moderate/login.html", message=message, email=email, next=next_url), 401
    # A fresh session (and CSRF token) on sign-in, so a token planted before it is worthless.
    session.clear()
    session["moderator_id"] = moderator_id
    session["csrf_token"] = secrets.token_urlsafe(32)
    return redirect(next_url or url_for("moderate.queue"), 303)


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    _require_form_csrf()
    session.clear()
    return redirect(url_for("moderate.login_form"), 303)


# --- the queue ---------------------------------------------------------------------------------


@blueprint.get("/")
def queue() -> ResponseReturnValue:
    identity = _signed_in()
    tab = request.args.get("status", "held")
    if tab not in QUEUE_TABS:
        raise ApiError(422, "Some fields are invalid.", fields={"status": f"must be one of {', '.join(QUEUE_TABS)}"})
    filters = {key: request.args.get(key, "").strip() for key in ("site", "filter_id", "sort", "cursor")}
    query = parse(QueueQuery, {"status": tab, **{key: value for key, value in filters.items() if value}})
    with services().sessions() as db:
        page = operations.list_queue(db, identity, query)
    items = [_QueueRow(item, highlight(item.body, item.verdicts), item.body) for item in page.items]
    return render_template(
        "moderate/queue.html",
        identity=identity,
        tab=tab,
        tabs=QUEUE_TABS,
        counts=page.counts,
        items=items,
        next_cursor=page.next_cursor,
        filters=filters,
        sort=query.sort,
        sorts=SORTS,
        site_names=sorted(identity.site_names.values()),
        filter_ids=_filter_ids(),
        csrf_token=_csrf_token(),
        notice=request.args.get("notice", "")[:300],
        undo_id=request.args.get("undo", type=int),
    )


@blueprint.post("/decisions")
def decide_from_form() -> ResponseReturnValue:
    """Apply the decision of a form post (the page without JavaScript), then go back to the queue."""
    identity = _signed_in()
    _require_form_csrf()
    back = _safe_next(request.form.get("next")) or url_for("moderate.queue")
    one = request.form.get("one", "")
    redis_client = services().redis
    with services().sessions() as db:
        if one:
            comment_id, version, action = _parse_item(one, with_action=True)
            result = operations.decide(db, redis_client, identity, comment_id, action, version)
            return redirect(_with_notice(back, f"Comment {comment_id}: {result.status}.", undo=comment_id), 303)
        action = request.form.get("bulk", "")
        chosen = request.form.getlist("selected")
        if not chosen:
            raise ApiError(422, "Select at least one comment first.", fields={"selected": "is empty"})
        # Validated as the JSON bulk call is, so a selection over its limit is refused, never cut short.
        parsed = [_parse_item(value) for value in chosen]
        decisions = [{"id": comment_id, "version": version, "action": action} for comment_id, version, _ in parsed]
        items = parse(BulkDecisionRequest, {"decisions": decisions}).decisions
        outcomes = operations.decide_many(db, redis_client, identity, items)
    done = sum(1 for outcome in outcomes if outcome.ok)
    return redirect(_with_notice(back, f"{done} of {len(outcomes)} comments decided."), 303)


@blueprint.post("/comments/<int:comment_id>/undo")
def undo_from_form(comment_id: int) -> ResponseReturnValue:
    identity = _signed_in()
    _require_form_csrf()
    with services().sessions() as db:
        result = operations.undo_last(db, services().redis, identity, comment_id)
    back = _safe_next(request.form.get("next")) or url_for("moderate.queue")
    return redirect(_with_notice(back, f"Undone: comment {comment_id} is {result.status} again."), 303)


# --- one comment -------------------------------------------------------------------------------


@blueprint.get("/comments/<int:comment_id>")
def comment_detail(comment_id: int) -> ResponseReturnValue:
    identity = _signed_in()
    with services().sessions() as db:
        detail = operations.get_detail(db, identity, comment_id)
    return render_template(
        "moderate/detail.html",
        identity=identity,
        comment=detail,
        body=highlight(detail.body, detail.verdicts),
        author_url=_web_url(detail.author_url),
        page_url=_web_url(detail.page_url),
        csrf_token=_csrf_token(),
    )


# --- sites, for their admins -------------------------------------------------------------------


@blueprint.get("/sites/<site_name>")
def site_page(site_name: str) -> ResponseReturnValue:
    identity = _admin_of(site_name)
    return _render_site(identity, site_name, text="", result=None)


@blueprint.post("/sites/<site_name>/try")
def try_text(site_name: str) -> ResponseReturnValue:
    """Run a text through the site's real pipeline (a dry run in a worker) and show the decision."""
    identity = _admin_of(site_name)
    _require_form_csrf()
    text = request.form.get("body", "")
    limit = services().policies.for_site(site_name).intake.max_body_chars
    if not text.strip() or len(text) > limit:
        message = f"Enter a text of 1 to {limit} characters."
        page = _render_site(identity, site_name, text=text[:limit], result=None, message=message)
        return page, 422
    result = run_dry(site_name, {"body": text})
    verdicts = [VerdictOut.model_validate(verdict) for verdict in result.get("verdicts", [])]
    shown = {"action": result.get("action", ""), "score": result.get("score", 0.0), "verdicts": verdicts}
    return _render_site(identity, site_name, text=text, result=shown, body=highlight(text, verdicts))


@blueprint.post("/sites/<site_name>/notices/<int:notice_id>/read")
def read_notice(site_name: str, notice_id: int) -> ResponseReturnValue:
    identity = _admin_of(site_name)
    _require_form_csrf()
    with services().sessions() as db, db.begin():
        if not is_row_id(notice_id) or notices.mark_read(db, _site_id(identity, site_name), notice_id) is None:
            raise ApiError(404, f"No notice {notice_id} on site {site_name!r}.")
    return redirect(url_for("moderate.site_page", site_name=site_name), 303)


def _render_site(
    identity: Identity,
    site_name: str,
    *,
    text: str,
    result: dict[str, Any] | None,
    body: Markup | None = None,
    message: str = "",
) -> str:
    policy = services().policies.for_site(site_name)
    with services().sessions() as db:
        unread = notices.list_notices(db, _site_id(identity, site_name), unread_only=True)
    return render_template(
        "moderate/site.html",
        identity=identity,
        site=site_name,
        notices=unread,
        policy_yaml=yaml.safe_dump(policy.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
        text=text,
        result=result,
        body=body,
        message=message,
        csrf_token=_csrf_token(),
    )


# --- helpers shared by the views ---------------------------------------------------------------


@dataclass(frozen=True)
class _QueueRow:
    item: Any
    body: Markup
    plain: str


def _signed_in() -> Identity:
    identity = _identity_or_none()
    if identity is None:
        raise _SignInRequired()
    return identity


def _identity_or_none() -> Identity | None:
    if session.get("moderator_id") is None:
        return None
    try:
        return current_moderator()
    except ApiError as error:
        if error.status == 401:
            return None
        raise


def _admin_of(site_name: str) -> Identity:
    identity = _signed_in()
    admin_of = {identity.site_names[site_id] for site_id in identity.site_ids("admin")}
    if site_name not in admin_of:
        # The same answer as for a site that does not exist, so nobody can probe for names.
        raise ApiError(404, f"No site named {site_name!r} that you administer.")
    return identity


def _site_id(identity: Identity, site_name: str) -> int:
    return next(site_id for site_id, name in identity.site_names.items() if name == site_name)


def _csrf_token() -> str:
    token = session.get("csrf_token")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf_token"] = token
    return token


def _require_form_csrf() -> None:
    expected = session.get("csrf_token")
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    if not expected or not sent or not secrets_equal(str(expected), str(sent)):
        raise ApiError(403, "The form's security token is missing or wrong; reload the page.", code="csrf_failed")


def _parse_item(value: str, with_action: bool = False) -> tuple[int, int, str]:
    """Read "id:version" (or "id:version:action") from a form button or checkbox."""
    parts = value.split(":")
    try:
        if len(parts) != (3 if with_action else 2):
            raise ValueError(value)
        comment_id, version = int(parts[0]), int(parts[1])
    except ValueError:
        raise ApiError(
            422, "Some fields are invalid.", fields={"selected": f"{value[:40]!r} is not id:version"}
        ) from None
    if not (1 <= comment_id <= 2**62 and 1 <= version <= 2**31 - 1):
        raise ApiError(422, "Some fields are invalid.", fields={"selected": "id or version out of range"})
    return comment_id, version, parts[2] if with_action else ""


def _safe_next(value: str | None) -> str:
    """Keep redirects on our own pages, so a crafted link cannot send a moderator elsewhere."""
    if not value or not value.startswith("/moderate/") or value.startswith("//") or "\\" in value:
        return ""
    return value[:500]


def _with_notice(url: str, notice: str, undo: int | None = None) -> str:
    parts = urlsplit(url)
    kept = [pair for pair in parts.query.split("&") if pair and not pair.startswith(("notice=", "undo="))]
    kept.append("notice=" + quote(notice, safe=""))
    if undo is not None:
        kept.append(f"undo={undo}")
    return f"{parts.path}?{'&'.join(kept)}"


def _web_url(url: str) -> str:
    """Return the URL only if it is http(s): a `javascript:` link from a commenter must never be clickable."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _filter_ids() -> list[str]:
    """Return every filter id that has ever given a verdict (the ids the queue can be filtered by)."""
    with services().sessions() as db:
        return sorted(db.scalars(select(Verdict.filter_id).distinct()))


def _wants_html() -> bool:
    """Browsers ask for text/html by name; fetch calls and API clients do not."""
    explicit = {mimetype: quality for mimetype, quality in request.accept_mimetypes}
    return explicit.get("text/html", 0) > 0 and explicit.get("text/html", 0) >= explicit.get("application/json", 0)
