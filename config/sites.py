"""Per-site policy: YAML files under `config/sites/` laid over `_defaults.yaml`.

Unknown keys are an error at load time, naming the key, so a typo never silently
turns a filter off.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config.filter_policy import FiltersPolicy


class PolicyError(ValueError):
    """A site policy file is unreadable or has an unknown or invalid key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IntakePolicy(_Strict):
    max_body_chars: int = Field(10_000, ge=1, le=65_525)
    honeypot_field: str = "website_url"
    require_form_token: bool = False
    form_token_min_seconds: float = Field(3.0, ge=0)
    form_token_max_age_seconds: int = Field(2 * 60 * 60, ge=60)
    allowed_origins: tuple[str, ...] = ()
    open: bool = True


class ModerationPolicy(_Strict):
    premoderation: bool = False
    report_threshold: int = Field(3, ge=1)
    hide_reported: bool = False
    trust_authors_after_approved: int = Field(3, ge=0)
    show_reasons_to_author: bool = False


class SitePolicy(_Strict):
    intake: IntakePolicy = IntakePolicy()
    moderation: ModerationPolicy = ModerationPolicy()
    filters: FiltersPolicy = FiltersPolicy()
    # Fingerprint of the merged YAML; stamped on every decision it makes.
    version: str = ""


class SitePolicies:
    """Every site's effective policy, loaded once per process."""

    def __init__(self, sites_dir: Path) -> None:
        self.sites_dir = sites_dir
        self._defaults = _read_yaml(sites_dir / "_defaults.yaml")
        self.default = _build(self._defaults, sites_dir / "_defaults.yaml")
        self._by_site: dict[str, SitePolicy] = {}
        for path in sorted(sites_dir.glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            self._by_site[path.stem] = _build(_merge(self._defaults, _read_yaml(path)), path)

    def for_site(self, site: str) -> SitePolicy:
        return self._by_site.get(site, self.default)

    def with_overrides(self, site: str, overrides: Mapping[str, Any]) -> SitePolicy:
        """Return the site's policy with extra keys laid over it (dry runs, tests)."""
        base = self.for_site(site).model_dump(mode="json", exclude={"version"})
        return _build(_merge(base, overrides), Path(f"<overrides for {site}>"))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PolicyError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: the top level must be a mapping")
    return data


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(data: Mapping[str, Any], path: Path) -> SitePolicy:
    data = {key: value for key, value in data.items() if key != "version"}
    try:
        policy = SitePolicy.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors())
        raise PolicyError(f"{path}: {problems}") from None
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True).encode()
    return policy.model_copy(update={"version": hashlib.sha256(canonical).hexdigest()[:12]})
