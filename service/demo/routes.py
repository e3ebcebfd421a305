"""`/demo`: a blog article ending in a "Leave a Comment" form, as a site would embed Sift."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.runtime.services import services

DEMO_SITE = "demo"
DEMO_THREAD = "2026/11/the-week-in-politics"

blueprint = Blueprint("demo", __name__, template_folder="templates")


@blueprint.get("/demo")
def article() -> ResponseReturnValue:
    policy = services().policies.for_site(DEMO_SITE)
    return render_template(
        "demo_article.html",
        site=DEMO_SITE,
        thread=DEMO_THREAD,
        honeypot_field=policy.intake.honeypot_field,
        post_url=url_for("intake.submit_comment", site_name=DEMO_SITE),
        check_url=url_for("draft_check.check_draft", site_name=DEMO_SITE),
        thread_url=url_for("public.thread_comments", site_name=DEMO_SITE, thread=DEMO_THREAD),
        page_url=request.base_url,
    )
