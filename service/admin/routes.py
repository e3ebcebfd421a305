"""`/v1/admin/...`: a site's admins manage its keys and moderators and try its policy; nothing of other sites."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.admin.models import (
    DryRunRequest,
    DryRunResult,
    KeyList,
    KeyOut,
    KeyRequest,
    ModeratorList,
    ModeratorOut,
    ModeratorRequest,
    NewKey,
    NewModerator,
    NoticeList,
    NoticeOut,
    NoticeQuery,
    SiteList,
    SiteOut,
)
from service.edge import auth
from service.edge.api import Link, document, parse_json, parse_query
from service.edge.errors import ApiError
from service.edge.fields import is_row_id
from service.moderation.scope import admin_site
from service.runtime.dry_run import run_dry
from service.runtime.services import services
from service.storage import accounts, notices
from service.storage.models import Membership, Notice, Site, SiteApiKey

blueprint = Blueprint("admin", __name__)
TAGS = ("admin",)
AUTH = "moderatorToken"
SITE = {"site_name": "string"}


def _admin_site(session: Session, site_name: str) -> Site:
    return admin_site(session, auth.current_moderator(), site_name)


def _notice_out(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.id, kind=notice.kind, message=notice.message, created_at=notice.created_at, read_at=notice.read_at
    )


def _key_out(key: SiteApiKey) -> KeyOut:
    return KeyOut(id=key.id, prefix=key.prefix, label=key.label, created_at=key.created_at, revoked_at=key.revoked_at)


@blueprint.get("/v1/admin/sites")
@document(
    "GET", "/v1/admin/sites", summary="List the sites you administer", tags=TAGS, responses={200: SiteList}, auth=AUTH
)
@auth.moderator_required
def list_sites() -> ResponseReturnValue:
    identity = auth.current_moderator()
    app = services()
    with app.sessions() as session:
        rows = (
            session.execute(
                select(Site, Membership.role)
                .join(Membership, Membership.site_id == Site.id)
                .where(Membership.moderator_id == identity.id, Membership.role == "admin")
                .order_by(Site.name)
            ).all()
            if identity.kind == "moderator"
            else []
        )
    sites = []
    for site, role in rows:
        policy = app.policies.for_site(site.name)
        sites.append(
            SiteOut(
                name=site.name,
                display_name=site.display_name,
                is_open=site.is_open,
                role=role,
                policy_version=policy.version,
                report_threshold=policy.moderation.report_threshold,
            )
        )
    return jsonify(SiteList(sites=sites).model_dump(mode="json"))


@blueprint.get("/v1/admin/sites/<site_name>/keys")
@document(
    "GET",
    "/v1/admin/sites/{site_name}/keys",
    summary="List a site's API keys",
    tags=TAGS,
    responses={200: KeyList},
    auth=AUTH,
    path_params=SITE,
)
@auth.moderator_required
def list_keys(site_name: str) -> ResponseReturnValue:
    with services().sessions() as session:
        keys = accounts.list_site_keys(session, _admin_site(session, site_name))
        return jsonify(KeyList(keys=[_key_out(key) for key in keys]).model_dump(mode="json"))


@blueprint.post("/v1/admin/sites/<site_name>/keys")
@document(
    "POST",
    "/v1/admin/sites/{site_name}/keys",
    summary="Issue a site API key (shown once)",
    tags=TAGS,
    body=KeyRequest,
    responses={201: NewKey},
    auth=AUTH,
    path_params=SITE,
    # The new key works the Akismet API, and can be revoked by its id.
    links={
        201: {
            "revoke": Link(
                "revoke_key", {"path.site_name": "$request.path.site_name", "path.key_id": "$response.body#/id"}
            ),
            **{
                view: Link(view, body={"key": "$response.body#/key"})
                for view in ("verify_key", "comment_check", "submit_spam", "submit_ham")
            },
        }
    },
)
@auth.moderator_required
def create_key(site_name: str) -> ResponseReturnValue:
    body = parse_json(KeyRequest)
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
        secret = accounts.issue_site_key(session, site, body.label)
        key = session.scalar(select(SiteApiKey).where(SiteApiKey.key_hash == accounts.hash_secret(secret)))
        assert key is not None
        answer = NewKey(**_key_out(key).model_dump(), key=secret)
    return jsonify(answer.model_dump(mode="json")), 201


@blueprint.delete("/v1/admin/sites/<site_name>/keys/<int:key_id>")
@document(
    "DELETE",
    "/v1/admin/sites/{site_name}/keys/{key_id}",
    summary="Revoke a site API key",
    tags=TAGS,
    responses={200: KeyOut},
    auth=AUTH,
    path_params={**SITE, "key_id": "integer"},
)
@auth.moderator_required
def revoke_key(site_name: str, key_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        try:
            key = accounts.revoke_site_key(session, _admin_site(session, site_name), key_id)
        except accounts.AccountError:
            raise ApiError(404, f"No key {key_id} on site {site_name!r}.") from None
        answer = _key_out(key)
    return jsonify(answer.model_dump(mode="json"))


@blueprint.get("/v1/admin/sites/<site_name>/moderators")
@document(
    "GET",
    "/v1/admin/sites/{site_name}/moderators",
    summary="List a site's moderators",
    tags=TAGS,
    responses={200: ModeratorList},
    auth=AUTH,
    path_params=SITE,
)
@auth.moderator_required
def list_moderators(site_name: str) -> ResponseReturnValue:
    with services().sessions() as session:
        rows = accounts.list_memberships(session, _admin_site(session, site_name))
        people = [ModeratorOut(id=m.id, email=m.email, role=ms.role, is_active=m.is_active) for m, ms in rows]
    return jsonify(ModeratorList(moderators=people).model_dump(mode="json"))


@blueprint.post("/v1/admin/sites/<site_name>/moderators")
@document(
    "POST",
    "/v1/admin/sites/{site_name}/moderators",
    summary="Add a moderator (or change their role)",
    tags=TAGS,
    body=ModeratorRequest,
    responses={201: NewModerator},
    auth=AUTH,
    path_params=SITE,
    links={
        201: {
            "remove": Link(
                "remove_moderator",
                {"path.site_name": "$request.path.site_name", "path.moderator_id": "$response.body#/id"},
            )
        }
    },
)
@auth.moderator_required
def add_moderator(site_name: str) -> ResponseReturnValue:
    body = parse_json(ModeratorRequest)
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
        # An existing account may hold roles on sites this admin does not run: setting its password or
        # minting it a token here would hand those sites over, so an admin may only grant it a role.
        existing = accounts.moderator_by_email(session, body.email)
        if existing is not None and existing.id == auth.current_moderator().id and body.role != "admin":
            raise ApiError(409, "You cannot give up your own admin role; ask another admin.")
        if (body.password or body.token) and existing is not None:
            raise ApiError(
                409,
                f"{body.email} already has an account; add the role without a password or token.",
                code="account_exists",
            )
        try:
            created = accounts.create_moderator(session, body.email, site.name, body.role, body.password, body.token)
        except accounts.AccountError as error:
            raise ApiError(422, "Some fields are invalid.", fields={"email": str(error)}) from None
        moderator = created.moderator
        answer = NewModerator(
            id=moderator.id, email=moderator.email, role=body.role, is_active=moderator.is_active, token=created.token
        )
    return jsonify(answer.model_dump(mode="json")), 201


@blueprint.delete("/v1/admin/sites/<site_name>/moderators/<int:moderator_id>")
@document(
    "DELETE",
    "/v1/admin/sites/{site_name}/moderators/{moderator_id}",
    summary="Remove a moderator's role",
    tags=TAGS,
    responses={204: None},
    auth=AUTH,
    path_params={**SITE, "moderator_id": "integer"},
)
@auth.moderator_required
def remove_moderator(site_name: str, moderator_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
        if moderator_id == auth.current_moderator().id:
            raise ApiError(409, "You cannot remove your own role; ask another admin.")
        try:
            accounts.remove_membership(session, site, moderator_id)
        except accounts.AccountError:
            raise ApiError(404, f"No moderator {moderator_id} on site {site_name!r}.") from None
    return "", 204


@blueprint.post("/v1/admin/sites/<site_name>/dry-run")
@document(
    "POST",
    "/v1/admin/sites/{site_name}/dry-run",
    summary="Run the site's real pipeline on a text, storing nothing",
    tags=TAGS,
    body=DryRunRequest,
    responses={200: DryRunResult},
    auth=AUTH,
    path_params=SITE,
)
@auth.moderator_required
def dry_run(site_name: str) -> ResponseReturnValue:
    body = parse_json(DryRunRequest)
    with services().sessions() as session:
        site = _admin_site(session, site_name)
    fields = {key: value for key, value in body.model_dump().items() if value}
    result = DryRunResult.model_validate(run_dry(site.name, fields))
    return jsonify(result.model_dump(mode="json"))


@blueprint.get("/v1/admin/sites/<site_name>/notices")
@document(
    "GET",
    "/v1/admin/sites/{site_name}/notices",
    summary="List messages for the site's admins (a webhook endpoint disabled, say), newest first",
    tags=TAGS,
    query=NoticeQuery,
    responses={200: NoticeList},
    auth=AUTH,
    path_params=SITE,
    links={
        200: {
            "read": Link(
                "read_notice",
                {"path.site_name": "$request.path.site_name", "path.notice_id": "$response.body#/notices/0/id"},
            )
        }
    },
)
@auth.moderator_required
def list_notices(site_name: str) -> ResponseReturnValue:
    query = parse_query(NoticeQuery)
    with services().sessions() as session:
        site = _admin_site(session, site_name)
        found = notices.list_notices(session, site.id, unread_only=query.unread, limit=query.limit, before=query.before)
        page = [_notice_out(notice) for notice in found]
    next_before = page[-1].id if len(page) == query.limit else None
    return jsonify(NoticeList(notices=page, next_before=next_before).model_dump(mode="json"))


@blueprint.post("/v1/admin/sites/<site_name>/notices/<int:notice_id>/read")
@document(
    "POST",
    "/v1/admin/sites/{site_name}/notices/{notice_id}/read",
    summary="Mark a notice read (marking it again keeps the first time)",
    tags=TAGS,
    responses={200: NoticeOut},
    auth=AUTH,
    path_params={**SITE, "notice_id": "integer"},
)
@auth.moderator_required
def read_notice(site_name: str, notice_id: int) -> ResponseReturnValue:
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
        notice = notices.mark_read(session, site.id, notice_id) if is_row_id(notice_id) else None
        if notice is None:
            raise ApiError(404, f"No notice {notice_id} on site {site_name!r}.")
        answer = _notice_out(notice)
    return jsonify(answer.model_dump(mode="json"))
