"""Configuration: defaults, then an optional Python file, then ``PTCC_*`` variables.

The order is fixed so that an operator can always override a file from the
environment, and a test can override everything by passing a mapping to
``create_app(config)``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any, Mapping


class DefaultConfig:
    #: "development" or "production"; production turns on HSTS and secure cookies.
    PTCC_ENV = "development"
    #: Folder holding one ``<slug>/tenant.toml`` per territory.
    PTCC_TENANTS_PATH = "tenants"
    #: Folder for databases, uploads, the generated secret key and file mail.
    PTCC_INSTANCE_PATH = "instance"
    #: Database URL template with ``{tenant}``; empty means one SQLite file per
    #: territory under the instance folder.
    PTCC_DATABASE_URL = ""
    #: Host names that serve the platform page and ``/t/<slug>/`` territories.
    PTCC_PLATFORM_HOSTS = ["localhost", "127.0.0.1"]
    #: Scheme of the links put in e-mails ("https" in production).
    PTCC_PUBLIC_SCHEME = "http"
    #: Base URL of the platform host, for links to territories that have no host name.
    PTCC_PLATFORM_URL = "http://localhost:5000"
    #: Whether ``/t/<slug>/`` selects a territory on a platform host.
    PTCC_PATH_PREFIX = True
    #: How many territory engines stay open at once (least recently used closes).
    PTCC_ENGINE_CACHE_SIZE = 32
    #: Pool size per PostgreSQL engine; keep small, put PgBouncer in front at scale.
    PTCC_DB_POOL_SIZE = 2
    PTCC_DB_MAX_OVERFLOW = 3
    #: The PostgreSQL URLs point at PgBouncer in transaction pooling (ptcc.tenancy.pgbouncer,
    #: docs/pgbouncer.md): psycopg prepares no statement, and the connection budget is
    #: checked against PgBouncer's limits.
    PTCC_PGBOUNCER = False
    #: Behind PgBouncer: "null" (a connection to PgBouncer per checkout, no pool of our own)
    #: or "queue" (PTCC_DB_POOL_SIZE + PTCC_DB_MAX_OVERFLOW per engine, as without it).
    PTCC_PGBOUNCER_POOL = "null"
    #: Folder scanned for first-party plugin packages.
    PTCC_PLUGINS_PATH = "plugins"
    #: "console", "file" or "smtp".
    PTCC_MAIL_BACKEND = "console"
    PTCC_MAIL_FROM = "PTCC <no-reply@ptcc.localhost>"
    PTCC_SMTP_HOST = "localhost"
    PTCC_SMTP_PORT = 25
    PTCC_SMTP_USER = ""
    PTCC_SMTP_PASSWORD = ""
    PTCC_SMTP_STARTTLS = False
    PTCC_SMTP_TIMEOUT = 10
    #: Send queued mail at the end of the request that queued it (development).
    PTCC_OUTBOX_INLINE = False
    #: Reverse proxies in front of the application that append to X-Forwarded-For and set
    #: X-Forwarded-Proto (1 behind nginx). 0 trusts neither header: the client address is the
    #: peer's. Rate limits are keyed by the client address, so behind a proxy this must be set.
    PTCC_TRUSTED_PROXIES = 0
    #: Redis URL for rate limits; memory when empty (one process only).
    PTCC_REDIS_URL = ""
    #: Start of every key of kept pages, cached values and data-version mirrors in Redis, and
    #: of the rate limits' keys: two deployments sharing one Redis need two prefixes.
    PTCC_CACHE_PREFIX = "ptcc:cache:"
    RATELIMIT_KEY_PREFIX = "ptcc"
    PTCC_LOGIN_LIMIT_PER_IP = "30 per 10 minutes"
    PTCC_LOGIN_LIMIT_PER_ACCOUNT = "8 per 10 minutes"
    #: Lifetime in seconds of e-mailed links.
    PTCC_VERIFY_MAX_AGE = 7 * 24 * 3600
    PTCC_RESET_MAX_AGE = 2 * 3600
    PTCC_INVITE_MAX_AGE = 14 * 24 * 3600
    PTCC_PER_PAGE = 20
    PTCC_MAX_LOGO_BYTES = 512 * 1024
    #: The home page's banner image (with the logo, under MAX_CONTENT_LENGTH).
    PTCC_MAX_BANNER_BYTES = 1024 * 1024
    #: Anonymous visitors' pages kept per data version (ptcc.web.page_cache): at most this
    #: many seconds (pages that depend on the clock: a mission's date passing), 0 to render
    #: every request. Each worker renders each territory's page again this often: at 60 s,
    #: 1,000 territories visited evenly cost two workers a quarter of two cores.
    PTCC_PAGE_CACHE_SECONDS = 300
    #: Bytes of pages one worker keeps in memory when there is no Redis.
    PTCC_PAGE_CACHE_MB = 16
    #: Bytes of cached values (figures, filter choices, settings) one worker keeps when there is no Redis.
    PTCC_CACHE_MB = 8
    #: Larger pages are rendered every time.
    PTCC_PAGE_CACHE_MAX_ENTRY_KB = 512

    SECRET_KEY = ""
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "fr"
    # Flask-SQLAlchemy insists on a default URI. It is never used: TenantSession.get_bind
    # always answers with the current territory's engine, or raises.
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False


def _parse_env_value(raw: str, default: Any) -> Any:
    """Read an environment value as the type of its default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, (list, dict)):
        if raw.strip().startswith(("[", "{")):
            return json.loads(raw)
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load_config(app, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` in the documented order."""
    app.config.from_object(DefaultConfig)
    config_file = os.environ.get("PTCC_CONFIG")
    if config_file:
        app.config.from_pyfile(os.path.abspath(config_file))
    for key, default in vars(DefaultConfig).items():
        if not key.isupper():
            continue
        env_key = key if key.startswith("PTCC_") else f"PTCC_{key}"
        if env_key in os.environ:
            app.config[key] = _parse_env_value(os.environ[env_key], default)
    if overrides:
        app.config.update(overrides)

    for key in ("PTCC_TENANTS_PATH", "PTCC_INSTANCE_PATH", "PTCC_PLUGINS_PATH"):
        app.config[key] = str(Path(app.config[key]).resolve())
    Path(app.config["PTCC_INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    if app.config["PTCC_ENV"] == "production":
        app.config.update(SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https", PTCC_PUBLIC_SCHEME="https")


def _instance_secret_key(app) -> str:
    """A random key kept in the instance folder, so restarts keep sessions valid."""
    if app.config["PTCC_ENV"] == "production":
        raise RuntimeError("PTCC_SECRET_KEY must be set in production.")
    path = Path(app.config["PTCC_INSTANCE_PATH"]) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
