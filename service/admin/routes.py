"""`/v1/admin/...`: a site's admins manage its keys and moderators and try its policy; nothing of other sites."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auth
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
    SiteList,
    SiteOut,
)
from service.api import document, parse_json
from service.dry_run import run_dry
from service.errors import ApiError
from service.moderation.scope import resolve_sites
from service.services import services
from service.storage import accounts
from service.storage.models import Membership, Site, SiteApiKey

blueprint = Blueprint("admin", __name__)
TAGS = ("admin",)
AUTH = "moderatorToken"
SITE = {"site_name": "string"}


def _admin_site(session: Session, site_name: str) -> Site:
    """Return the site if the caller is its admin; any other site is a 404, as if it did not exist."""
    identity = auth.current_moderator()
    if identity.kind != "moderator":
        raise ApiError(403, "Site keys cannot use the admin API.")
    (site_id,) = resolve_sites(identity, [site_name], role="admin")
    site = session.get(Site, site_id)
    if site is None:
        raise ApiError(404, f"No site named {site_name!r}.")
    return site


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
)
@auth.moderator_required
def add_moderator(site_name: str) -> ResponseReturnValue:
    body = parse_json(ModeratorRequest)
    with services().sessions() as session, session.begin():
        site = _admin_site(session, site_name)
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
