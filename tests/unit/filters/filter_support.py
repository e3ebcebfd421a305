"""Helpers shared by the filter tests: the default policy, a pipeline run, the shared data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config.sites import SitePolicies, SitePolicy
from workers.filters.base import CommentInput, Context, Decision
from workers.filters.pipeline import pipeline_for

REPO = Path(__file__).resolve().parents[3]
SITES = REPO / "config" / "sites"
DATA = REPO.parent / "shared" / "data"


def policy(overrides: dict[str, Any] | None = None, site: str = "test") -> SitePolicy:
    """Return the default policy, with overrides laid over it."""
    policies = SitePolicies(SITES)
    return policies.with_overrides(site, overrides or {})


def decide(
    body: str, overrides: dict[str, Any] | None = None, context: Context | None = None, **fields: Any
) -> Decision:
    """Run the real pipeline of a (possibly overridden) default policy on one comment."""
    site_policy = policy(overrides)
    return pipeline_for("test", site_policy).run(CommentInput(site="test", body=body, **fields), context or Context())


def flagged_by(decision: Decision) -> set[str]:
    """Return the ids of the filters whose verdicts ask for more than publish."""
    return {v.filter_id for v in decision.verdicts if v.action.value != "publish"}
