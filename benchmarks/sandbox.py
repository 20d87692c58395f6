"""A throw-away platform in a temporary folder: its tenant.toml files, instance folder and databases.

The benchmark never reads or writes the repository's own ``tenants/`` and ``instance/``:
every territory lives under a folder made by ``tempfile``, and gunicorn finds it through
``PTCC_TENANTS_PATH`` and ``PTCC_INSTANCE_PATH``. On PostgreSQL each territory has its own
database named from the URL template, which must carry the ``ptcc_bench_`` prefix so that
dropping "our" databases can never touch anybody else's.

Behind PgBouncer (``use_pgbouncer``), the application and the server connect to PgBouncer's
URL with ``PTCC_PGBOUNCER`` set; copying and dropping databases, and the benchmark's own
looks at ``pg_stat_activity``, keep the direct URL (``database_url``): ``CREATE DATABASE …
TEMPLATE`` and ``DROP DATABASE`` are refused while PgBouncer holds a server connection to the
database, and they are administration, not the platform's work (docs/pgbouncer.md).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
import tomli_w
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
#: Every PostgreSQL database the benchmark creates (and drops) starts with this.
DATABASE_PREFIX = "ptcc_bench_"
#: Connections used at once to drop databases at the end.
DROP_CONCURRENCY = 8
#: Connections used at once to copy a territory's database into many.
COPY_CONCURRENCY = 4


class SandboxError(RuntimeError):
    pass


def check_database_template(database_url: str) -> None:
    """Refuse a PostgreSQL template that could name a database the benchmark did not create."""
    if not database_url:
        return
    if "{tenant}" not in database_url:
        raise SandboxError("--database-url needs {tenant} in the database name")
    url = make_url(database_url.replace("{tenant}", "x"))
    if url.get_backend_name() != "postgresql":
        raise SandboxError("--database-url: only PostgreSQL is supported (SQLite is the default)")
    name = make_url(database_url).database or ""
    if not name.startswith(DATABASE_PREFIX):
        raise SandboxError(f"--database-url: the database name must start with {DATABASE_PREFIX!r} "
                           "(the benchmark drops the databases it creates)")


class Sandbox:
    """One platform: ``<root>/tenants/<slug>/tenant.toml`` and ``<root>/instance``."""

    def __init__(self, root: Path, database_url: str = "", engine_cache_size: int | None = None):
        self.root = root
        self.tenants = root / "tenants"
        self.instance = root / "instance"
        self.tenants.mkdir(parents=True, exist_ok=True)
        self.instance.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.engine_cache_size = engine_cache_size
        # Shared by the in-process passes and the server, so that a session cookie made by
        # one is valid in the other (and production refuses to start without a key).
        self.secret_key = secrets.token_urlsafe(32)
        self.created_slugs: list[str] = []
        self._app = None
        #: PgBouncer in front (``use_pgbouncer``): its URL template, its PTCC_PGBOUNCER_POOL, itself.
        self.pgbouncer_url = ""
        self.pgbouncer_pool = "null"
        self.pgbouncer = None

    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url)

    # --- territories -------------------------------------------------------------------

    def write_tenant(self, slug: str, content: dict) -> Path:
        folder = self.tenants / slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "tenant.toml"
        path.write_text(tomli_w.dumps(content), encoding="utf-8")
        return path

    def copy_repo_tenant(self, slug: str) -> Path:
        """The repository's demo tenant.toml, copied as is (hosts like ``lyon.localhost``)."""
        folder = self.tenants / slug
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "tenant.toml"
        shutil.copyfile(REPO / "tenants" / slug / "tenant.toml", target)
        return target

    def sqlite_path(self, slug: str) -> Path:
        # Where ptcc.tenancy.engines puts a territory's file when no URL template is set.
        return self.instance / "databases" / f"{slug}.db"

    def postgres_url(self, slug: str) -> sa.engine.URL:
        """The territory's database on the server itself (never through PgBouncer)."""
        return make_url(self.database_url.format(tenant=slug.replace("-", "_")))

    def use_pgbouncer(self, bouncer, pool: str = "null") -> None:
        """From now on the application (in-process and gunicorn) connects through ``bouncer``
        (a ``benchmarks.pgbouncer.PgBouncer`` that is running)."""
        self.forget_app()
        self.pgbouncer, self.pgbouncer_url, self.pgbouncer_pool = bouncer, bouncer.url_template(), pool

    @property
    def app_database_url(self) -> str:
        """What the platform is configured with: PgBouncer's URL when in use, else the server's."""
        return self.pgbouncer_url or self.database_url

    def _pgbouncer_settings(self) -> dict:
        if not self.pgbouncer_url:
            return {}
        return {"PTCC_PGBOUNCER": True, "PTCC_PGBOUNCER_POOL": self.pgbouncer_pool}

    # --- the application, in this process ------------------------------------------------

    def config(self) -> dict:
        config = {
            "SECRET_KEY": self.secret_key,
            "PTCC_TENANTS_PATH": str(self.tenants),
            "PTCC_INSTANCE_PATH": str(self.instance),
            "PTCC_DATABASE_URL": self.app_database_url,
            "PTCC_MAIL_BACKEND": "file",
            "PTCC_OUTBOX_INLINE": False,
            **self._pgbouncer_settings(),
        }
        if self.engine_cache_size:
            config["PTCC_ENGINE_CACHE_SIZE"] = self.engine_cache_size
        return config

    def app(self, fresh: bool = False, **overrides):
        """A Flask application on this platform (the registry is read when it is created)."""
        from ptcc.app import create_app

        if fresh or overrides or self._app is None:
            app = create_app({**self.config(), **overrides})
            if fresh or overrides:
                return app
            self._app = app
        return self._app

    def forget_app(self) -> None:
        """Close every engine of the cached application (before copying a database)."""
        if self._app is not None:
            self._app.extensions["ptcc"].engines.dispose_all()
            self._app = None

    # --- the server's environment ----------------------------------------------------------

    def server_env(self, **extra: str) -> dict[str, str]:
        """The environment gunicorn runs with: production settings on this platform."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("PTCC_")}
        env.update({
            "PTCC_ENV": "production",
            "PTCC_SECRET_KEY": self.secret_key,
            "PTCC_TENANTS_PATH": str(self.tenants),
            "PTCC_INSTANCE_PATH": str(self.instance),
            "PTCC_DATABASE_URL": self.app_database_url,
            "PTCC_PATH_PREFIX": "false",
            "PTCC_MAIL_BACKEND": "file",
            "PYTHONUNBUFFERED": "1",
        })
        if self.engine_cache_size:
            env["PTCC_ENGINE_CACHE_SIZE"] = str(self.engine_cache_size)
        env.update({key: str(value).lower() if isinstance(value, bool) else str(value)
                    for key, value in self._pgbouncer_settings().items()})
        env.update(extra)
        return env

    # --- copies of a database, and cleaning up ------------------------------------------------

    def copy_database(self, source_slug: str, target_slugs: list[str]) -> None:
        """Each target gets a copy of the source's database: a file copy on SQLite, a
        ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Much faster than migrating each one."""
        self.forget_app()
        if not self.is_postgres:
            source = self.sqlite_path(source_slug)
            # Fold the write-ahead log into the file, so that the file alone is the database.
            with sqlite3.connect(source) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for slug in target_slugs:
                shutil.copyfile(source, self.sqlite_path(slug))
            return
        source = self.postgres_url(source_slug).database
        if self.pgbouncer_url:
            # PgBouncer keeps idle server connections to the source, and a database anybody
            # is connected to cannot be a template: closed (PgBouncer opens others later).
            from ptcc.tenancy.pgbouncer import release_database

            release_database(self.postgres_url(source_slug))

        def copy(slugs: list[str]) -> None:
            with self._postgres_admin() as conn:
                for slug in slugs:
                    name = self.postgres_url(slug).database
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                    self.created_slugs.append(slug)

        # A few copies at once (PostgreSQL copies from one template concurrently): 1,000
        # territories in about half the time of one connection on 2 cores.
        shares = [target_slugs[n::COPY_CONCURRENCY] for n in range(COPY_CONCURRENCY)]
        with ThreadPoolExecutor(max_workers=COPY_CONCURRENCY) as pool:
            for done in [pool.submit(copy, share) for share in shares if share]:
                done.result()

    def note_created(self, slug: str) -> None:
        if slug not in self.created_slugs:
            self.created_slugs.append(slug)

    def drop_databases(self) -> list[str]:
        """Drop every PostgreSQL database this sandbox made; returns the names dropped.

        In parallel: PostgreSQL 15 waits for a checkpoint in each DROP DATABASE (seconds on a
        busy server), and concurrent drops share the checkpoints.
        """
        if not self.is_postgres:
            return []
        self.forget_app()
        names = [self.postgres_url(slug).database for slug in self.created_slugs]
        # Never anything else: the template was checked at start; kept as a guard.
        names = [name for name in names if name.startswith(DATABASE_PREFIX)]
        with ThreadPoolExecutor(max_workers=DROP_CONCURRENCY) as pool:
            list(pool.map(self._drop_one, names))
        self.created_slugs = []
        return names

    def _drop_one(self, name: str) -> None:
        with self._postgres_admin() as conn:
            # WITH (FORCE): a server just stopped may still be closing its connections.
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _postgres_admin(self):
        admin_url = make_url(self.database_url.format(tenant="x")).set(database="postgres")
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        return _DisposingConnection(engine)


class _DisposingConnection:
    """``with`` an AUTOCOMMIT connection to the ``postgres`` database, engine disposed after."""

    def __init__(self, engine):
        self.engine = engine
        self.conn = None

    def __enter__(self):
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()
        self.engine.dispose()
