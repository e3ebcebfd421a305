"""Settings: every missing or malformed value stops startup with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import REPO_ROOT, Settings, SettingsError
from config.var import ensure_secret_key, var_dir

GOOD = {
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SIFT_SECRET_KEY": "k" * 40,
    "DATABASE_URL": "postgresql://sift@db/sift",
}


def settings_with(**changes: str | None) -> Settings:
    environ = {**GOOD, **changes}
    return Settings.from_env({key: value for key, value in environ.items() if value is not None})


def test_production_defaults_from_a_minimal_environment() -> None:
    settings = settings_with()
    assert settings.env == "production" and settings.is_production
    assert settings.database_url == "postgresql+psycopg://sift@db/sift"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.sites_dir == REPO_ROOT / "config" / "sites"
    assert settings.max_request_bytes == 64 * 1024


def test_postgres_scheme_is_normalised_to_the_psycopg_driver() -> None:
    assert settings_with(DATABASE_URL="postgres://a@b/c").database_url == "postgresql+psycopg://a@b/c"


def test_database_defaults_to_sqlite_under_the_var_dir(tmp_path: Path) -> None:
    settings = settings_with(DATABASE_URL=None, SIFT_VAR_DIR=str(tmp_path))
    assert settings.database_url == f"sqlite:///{tmp_path / 'sift.db'}"


def test_the_var_dir_is_the_working_directory_s_var_unless_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert var_dir({}) == tmp_path / "var"
    assert settings_with(DATABASE_URL=None).database_url == f"sqlite:///{tmp_path / 'var' / 'sift.db'}"
    assert var_dir({"SIFT_VAR_DIR": str(tmp_path / "elsewhere")}) == tmp_path / "elsewhere"


def test_development_uses_the_secret_kept_in_its_var_dir(tmp_path: Path) -> None:
    secret = ensure_secret_key(tmp_path)
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert ensure_secret_key(tmp_path) == secret, "a second start must reuse the first secret"
    settings = settings_with(SIFT_ENV="development", SIFT_SECRET_KEY=None, SIFT_VAR_DIR=str(tmp_path))
    assert settings.secret_key == secret and len(secret) >= 32 and not settings.is_production


def test_each_var_dir_gets_its_own_secret(tmp_path: Path) -> None:
    assert ensure_secret_key(tmp_path / "one") != ensure_secret_key(tmp_path / "two")


def test_development_without_a_secret_anywhere_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SIFT_SECRET_KEY"):
        settings_with(SIFT_ENV="development", SIFT_SECRET_KEY=None, SIFT_VAR_DIR=str(tmp_path))


def test_settings_are_frozen() -> None:
    settings = settings_with()
    with pytest.raises(AttributeError):
        settings.env = "test"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DATABASE_URL": "mysql://a@b/c"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SIFT_SECRET_KEY": None}, "SIFT_SECRET_KEY"),
        ({"SIFT_SECRET_KEY": "short"}, "SIFT_SECRET_KEY"),
        ({"SIFT_ENV": "staging"}, "SIFT_ENV"),
        ({"SIFT_SITES_DIR": "/nonexistent/sites"}, "SIFT_SITES_DIR"),
        ({"SIFT_TRUSTED_PROXY_HOPS": "two"}, "SIFT_TRUSTED_PROXY_HOPS"),
        ({"SIFT_TRUSTED_PROXY_HOPS": "-1"}, "SIFT_TRUSTED_PROXY_HOPS"),
        ({"SIFT_SWEEP_AFTER_SECONDS": "0"}, "SIFT_SWEEP_AFTER_SECONDS"),
        ({"SIFT_SWEEP_INTERVAL_SECONDS": "1.5"}, "SIFT_SWEEP_INTERVAL_SECONDS"),
        ({"SIFT_MAX_REQUEST_BYTES": "100"}, "SIFT_MAX_REQUEST_BYTES"),
        ({"SIFT_MAX_REQUEST_BYTES": "64k"}, "SIFT_MAX_REQUEST_BYTES"),
        ({"SIFT_RATE_LIMIT_INTAKE": "lots"}, "SIFT_RATE_LIMIT_INTAKE"),
        ({"SIFT_RATE_LIMIT_LOGIN": "5 per fortnight"}, "SIFT_RATE_LIMIT_LOGIN"),
        ({"SIFT_PURGE_SPAM_AFTER_DAYS": "0"}, "SIFT_PURGE_SPAM_AFTER_DAYS"),
    ],
    ids=lambda value: str(value) if isinstance(value, str) else "-".join(f"{k}={v}" for k, v in value.items()),
)
def test_bad_value_stops_startup_naming_it(changes: dict[str, str | None], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        settings_with(**changes)
    assert named in str(raised.value)


def test_sites_dir_without_defaults_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SIFT_SITES_DIR"):
        settings_with(SIFT_SITES_DIR=str(tmp_path))


def test_cli_reports_a_bad_setting_as_a_message_not_a_traceback() -> None:
    from click.testing import CliRunner

    from service.cli import main

    env = {"REDIS_URL": None, "DATABASE_URL": None, "SIFT_ENV": "production"}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 1
    assert "REDIS_URL" in result.output
    assert "Traceback" not in result.output
