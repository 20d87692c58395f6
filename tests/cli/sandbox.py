"""A private PTCC installation for tests: its own tenants/ and instance/ folders.

Commands that create territories must not use the shared ``app`` fixture (its registry is
shared by the whole session): a ``Platform`` builds fresh applications on a temporary folder,
with SQLite files or one PostgreSQL database per territory (``ptcc_<name><suffix>_<slug>``),
and drops those databases in ``close()``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from ptcc.testing.pytest_plugin import PG_ADMIN_URL, postgres_available

PTCC_BIN = Path(sys.executable).parent / "ptcc"
#: A PostgreSQL URL nothing listens on: connecting fails at once with "connection refused".
UNREACHABLE_URL = "postgresql+psycopg://postgres@127.0.0.1:1/nope"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_postgres() -> None:
    reason = postgres_available()
    if reason:
        if os.environ.get("PTCC_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason} (PTCC_REQUIRE_POSTGRES=1 makes this mandatory)")
        pytest.skip(reason)


class Platform:
    """One temporary PTCC installation; ``run`` invokes the real ``ptcc`` commands."""

    def __init__(self, root: Path, database_url: str = "", **config):
        self.root = root
        self.tenants = root / "tenants"
        self.instance = root / "instance"
        self.tenants.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.config = {
            "TESTING": True,
            "SECRET_KEY": "cli-test-secret-key",
            "PTCC_TENANTS_PATH": str(self.tenants),
            "PTCC_INSTANCE_PATH": str(self.instance),
            "PTCC_DATABASE_URL": database_url,
            "PTCC_MAIL_BACKEND": "file",
            "PTCC_OUTBOX_INLINE": False,
            **config,
        }
        self.apps = []

    @property
    def backend(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    def app(self, **overrides):
        """A fresh application, as a new ``ptcc`` process would build (registry re-read)."""
        from ptcc.app import create_app

        app = create_app({**self.config, **overrides})
        self.apps.append(app)
        return app

    def run(self, *args: str, input: str | None = None, app=None, **overrides):
        """``ptcc ARGS`` through Flask's CLI runner; returns click's Result."""
        app = app or self.app(**overrides)
        return app.test_cli_runner().invoke(args=list(args), input=input, catch_exceptions=False)

    def env(self, **extra: str) -> dict:
        """Environment for a ``ptcc`` or ``gunicorn`` subprocess on this platform."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PTCC_")}
        env.update(
            PTCC_TENANTS_PATH=str(self.tenants),
            PTCC_INSTANCE_PATH=str(self.instance),
            PTCC_SECRET_KEY="cli-test-secret-key",
            PTCC_DATABASE_URL=self.database_url,
            PTCC_MAIL_BACKEND="file",
        )
        env.update(extra)
        return env

    def subprocess(self, *args: str, input: str | None = None, timeout: float = 120, **extra_env):
        """``ptcc ARGS`` in a new process without a controlling terminal, so that a password
        prompt reads the standard input as it would under a script."""
        return subprocess.run([str(PTCC_BIN), *args], input=input, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL if input is None else None, start_new_session=True,
                              env=self.env(**extra_env), cwd=self.root, timeout=timeout)

    def write_tenant(self, slug: str, name: str | None = None, hosts=(), **data) -> Path:
        content = {"name": name or slug.title(), "hosts": list(hosts), "default_locale": "fr",
                   "locales": ["fr", "en"], "timezone": "Europe/Paris", "plugins": [], **data}
        folder = self.tenants / slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "tenant.toml"
        path.write_text(tomli_w.dumps(content), encoding="utf-8")
        return path

    def prepare_schema(self, slug: str, **tenant_fields) -> None:
        """With ``PTCC_TEST_SCHEMA=create_all`` (modules whose migration is not generated yet),
        build the territory's tables from the models and stamp them as migrated, so that the
        commands' own ``upgrade`` has nothing left to do. Otherwise do nothing: the command
        under test runs the real migrations."""
        if os.environ.get("PTCC_TEST_SCHEMA") != "create_all":
            return
        from alembic import command

        from ptcc import migrate
        from ptcc.extensions import db
        from ptcc.tenancy import Tenant

        app = self.app()
        with app.app_context():
            state = app.extensions["ptcc"]
            tenant = state.registry.get(slug) or Tenant(slug=slug, name=slug, **tenant_fields)
            state.engines.ensure_database(tenant)
            migrate.import_all_models()
            engine = state.engines.get(tenant)
            db.metadata.create_all(engine)
            with engine.begin() as conn:
                command.stamp(migrate.alembic_config(conn), "heads")
            state.engines.dispose_all()

    def close(self) -> None:
        for app in self.apps:
            app.extensions["ptcc"].engines.dispose_all()
        if self.database_url:
            app = self.app()
            with app.app_context():
                engines = app.extensions["ptcc"].engines
                for tenant in app.extensions["ptcc"].registry:
                    try:
                        engines.drop_database(tenant)
                    except Exception:  # unreachable on purpose
                        pass
                engines.dispose_all()


def platform_database_url(backend: str, suffix: str, name: str = "clitest") -> str:
    if backend != "postgresql":
        return ""
    require_postgres()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/ptcc_{name}{suffix}_{{tenant}}"
