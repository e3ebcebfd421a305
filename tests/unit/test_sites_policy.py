"""Per-site policy: YAML over the commented defaults; unknown keys fail naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import REPO_ROOT
from config.sites import PolicyError, SitePolicies

DEFAULTS = (REPO_ROOT / "config" / "sites" / "_defaults.yaml").read_text()


@pytest.fixture
def sites_dir(tmp_path: Path) -> Path:
    (tmp_path / "_defaults.yaml").write_text(DEFAULTS)
    return tmp_path


def test_shipped_defaults_load() -> None:
    policies = SitePolicies(REPO_ROOT / "config" / "sites")
    assert policies.default.intake.honeypot_field == "website_url"
    assert policies.default.filters.links.hold_at == 2


def test_site_file_is_merged_over_the_defaults_key_by_key(sites_dir: Path) -> None:
    (sites_dir / "news.yaml").write_text("intake:\n  max_body_chars: 500\nfilters:\n  links:\n    hold_at: 4\n")
    policies = SitePolicies(sites_dir)
    news = policies.for_site("news")
    assert news.intake.max_body_chars == 500
    # Keys the site leaves out keep the defaults, even beside ones it changes.
    assert news.intake.honeypot_field == policies.default.intake.honeypot_field
    assert news.filters.links.hold_at == 4
    assert news.filters.links.enabled is True
    assert news.moderation == policies.default.moderation


def test_a_site_without_a_file_gets_the_defaults(sites_dir: Path) -> None:
    policies = SitePolicies(sites_dir)
    assert policies.for_site("anything") == policies.default


def test_policy_version_changes_with_the_policy(sites_dir: Path) -> None:
    (sites_dir / "strict.yaml").write_text("moderation:\n  premoderation: true\n")
    policies = SitePolicies(sites_dir)
    assert policies.for_site("strict").version != policies.default.version
    assert len(policies.default.version) == 12


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("intake:\n  max_body_chars: 500\n  honeypot: trap\n", "intake.honeypot"),
        ("filters:\n  linkz:\n    hold_at: 3\n", "filters.linkz"),
        ("moderations:\n  premoderation: true\n", "moderations"),
        ("filters:\n  links:\n    hold_at_count: 3\n", "filters.links.hold_at_count"),
    ],
)
def test_unknown_key_fails_naming_it_and_the_file(sites_dir: Path, yaml_text: str, named: str) -> None:
    (sites_dir / "typo.yaml").write_text(yaml_text)
    with pytest.raises(PolicyError) as raised:
        SitePolicies(sites_dir)
    assert named in str(raised.value)
    assert "typo.yaml" in str(raised.value)


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("intake:\n  max_body_chars: -1\n", "intake.max_body_chars"),
        ("intake:\n  max_body_chars: lots\n", "intake.max_body_chars"),
        ("moderation:\n  report_threshold: 0\n", "moderation.report_threshold"),
        ("filters:\n  links:\n    action: explode\n", "filters.links.action"),
    ],
)
def test_invalid_value_fails_naming_it(sites_dir: Path, yaml_text: str, named: str) -> None:
    (sites_dir / "bad.yaml").write_text(yaml_text)
    with pytest.raises(PolicyError, match=named.replace(".", r"\.")):
        SitePolicies(sites_dir)


@pytest.mark.parametrize("yaml_text", ["- a\n- list\n", "intake: [unclosed\n"])
def test_unreadable_yaml_fails_naming_the_file(sites_dir: Path, yaml_text: str) -> None:
    (sites_dir / "broken.yaml").write_text(yaml_text)
    with pytest.raises(PolicyError, match=r"broken\.yaml"):
        SitePolicies(sites_dir)


def test_unknown_key_in_the_defaults_fails_too(sites_dir: Path) -> None:
    (sites_dir / "_defaults.yaml").write_text(DEFAULTS + "\nsurprise: true\n")
    with pytest.raises(PolicyError, match="surprise"):
        SitePolicies(sites_dir)


def test_overrides_for_a_dry_run_lay_over_the_site(sites_dir: Path) -> None:
    (sites_dir / "news.yaml").write_text("intake:\n  max_body_chars: 500\n")
    policy = SitePolicies(sites_dir).with_overrides("news", {"filters": {"links": {"hold_at": 9}}})
    assert policy.filters.links.hold_at == 9
    assert policy.intake.max_body_chars == 500
    with pytest.raises(PolicyError, match="nonsense"):
        SitePolicies(sites_dir).with_overrides("news", {"nonsense": 1})
