"""Infrastructure settings, read from the environment once into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from config.var import SECRET_KEY_FILE, read_secret_key, var_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SITES_DIR = REPO_ROOT / "config" / "sites"
ENVIRONMENTS = ("production", "development", "test")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    secret_key: str
    env: str
    sites_dir: Path
    # How many proxies in front of us may set X-Forwarded-For (0: trust none).
    trusted_proxy_hops: int = 0
    # A comment still `received` after this many seconds is enqueued again by the sweeper.
    sweep_after_seconds: int = 60
    # How often beat runs the sweeper.
    sweep_interval_seconds: int = 15
    # How long a web process trusts a cached site lookup (closing a site takes effect within it).
    site_cache_seconds: int = 5
    # Largest request body accepted at intake, in bytes.
    max_request_bytes: int = 64 * 1024
    # Hosts whose webhook URLs may resolve to loopback (only `sift dev` and tests set it).
    webhook_allow_loopback_sites: tuple[str, ...] = ()
    # HTTP rate limits in the `limits` notation ("6/minute;60/hour"), see service/ratelimit/limits.py.
    rate_limit_intake: str = "6/minute;60/hour"
    rate_limit_reports: str = "10/minute;100/hour"
    rate_limit_moderation: str = "600/minute"
    rate_limit_login: str = "5/minute;30/hour"
    # The Perspective-compatible analysis, per site key; a draft check, per client address.
    rate_limit_analyze: str = "60/second;20000/hour"
    rate_limit_check: str = "20/minute;200/hour"
    # Retention: client addresses are truncated, and rejected spam purged, after this many days.
    truncate_addresses_after_days: int = 30
    purge_spam_after_days: int = 30

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Parse the environment; raise SettingsError naming the first bad value."""
        environ = os.environ if environ is None else environ
        env = environ.get("SIFT_ENV", "production")
        if env not in ENVIRONMENTS:
            raise SettingsError(f"SIFT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")

        var = var_dir(environ)
        database_url = environ.get("DATABASE_URL") or f"sqlite:///{var / 'sift.db'}"
        if urlsplit(database_url).scheme.split("+")[0] not in ("sqlite", "postgresql", "postgres"):
            raise SettingsError(f"DATABASE_URL must be a sqlite:// or postgresql:// URL, not {database_url!r}")
        if database_url.startswith("postgres://"):
            database_url = "postgresql://" + database_url.removeprefix("postgres://")
        if database_url.startswith("postgresql://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

        redis_url = environ.get("REDIS_URL", "")
        if not redis_url:
            raise SettingsError("REDIS_URL is required (sift dev starts an embedded Redis and sets it)")
        if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise SettingsError(f"REDIS_URL must be a redis:// URL, not {redis_url!r}")

        secret_key = environ.get("SIFT_SECRET_KEY", "")
        if not secret_key:
            if env == "production":
                raise SettingsError("SIFT_SECRET_KEY is required in production (32+ random characters)")
            # Outside production, the secret `sift dev` generated for this var directory (one per install,
            # so receipts and form tokens differ between installs).
            secret_key = read_secret_key(var) or ""
            if not secret_key:
                kept = var / SECRET_KEY_FILE
                raise SettingsError(
                    f"SIFT_SECRET_KEY is required (32+ random characters); `sift dev` keeps one in {kept}"
                )
        if len(secret_key) < 32:
            raise SettingsError("SIFT_SECRET_KEY must be at least 32 characters long")

        sites_dir = Path(environ.get("SIFT_SITES_DIR") or DEFAULT_SITES_DIR)
        if not (sites_dir / "_defaults.yaml").is_file():
            raise SettingsError(f"SIFT_SITES_DIR={sites_dir} has no _defaults.yaml")

        allow_loopback = tuple(
            name.strip() for name in environ.get("SIFT_WEBHOOK_ALLOW_LOOPBACK_SITES", "").split(",") if name.strip()
        )
        return cls(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key,
            env=env,
            sites_dir=sites_dir,
            trusted_proxy_hops=_int(environ, "SIFT_TRUSTED_PROXY_HOPS", 0, minimum=0),
            sweep_after_seconds=_int(environ, "SIFT_SWEEP_AFTER_SECONDS", 60, minimum=1),
            sweep_interval_seconds=_int(environ, "SIFT_SWEEP_INTERVAL_SECONDS", 15, minimum=1),
            site_cache_seconds=_int(environ, "SIFT_SITE_CACHE_SECONDS", 5, minimum=0),
            max_request_bytes=_int(environ, "SIFT_MAX_REQUEST_BYTES", 64 * 1024, minimum=1024),
            webhook_allow_loopback_sites=allow_loopback,
            rate_limit_intake=_rate_limit(environ, "SIFT_RATE_LIMIT_INTAKE", "6/minute;60/hour"),
            rate_limit_reports=_rate_limit(environ, "SIFT_RATE_LIMIT_REPORTS", "10/minute;100/hour"),
            rate_limit_moderation=_rate_limit(environ, "SIFT_RATE_LIMIT_MODERATION", "600/minute"),
            rate_limit_login=_rate_limit(environ, "SIFT_RATE_LIMIT_LOGIN", "5/minute;30/hour"),
            rate_limit_analyze=_rate_limit(environ, "SIFT_RATE_LIMIT_ANALYZE", "60/second;20000/hour"),
            rate_limit_check=_rate_limit(environ, "SIFT_RATE_LIMIT_CHECK", "20/minute;200/hour"),
            truncate_addresses_after_days=_int(environ, "SIFT_TRUNCATE_ADDRESSES_AFTER_DAYS", 30, minimum=1),
            purge_spam_after_days=_int(environ, "SIFT_PURGE_SPAM_AFTER_DAYS", 30, minimum=1),
        )


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _rate_limit(environ: Mapping[str, str], name: str, default: str) -> str:
    from limits import parse_many

    raw = environ.get(name) or default
    try:
        parse_many(raw)
    except ValueError:
        raise SettingsError(f"{name} must be rate limits like '6/minute;60/hour', not {raw!r}") from None
    return raw
