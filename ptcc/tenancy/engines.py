"""One engine per territory, created on first use and kept in a bounded LRU cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy_utils import create_database, database_exists, drop_database

from ptcc.tenancy.registry import Tenant


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class TenantEngines:
    def __init__(self, config):
        self.template: str = config["PTCC_DATABASE_URL"]
        self.instance_path = Path(config["PTCC_INSTANCE_PATH"])
        self.max_size: int = config["PTCC_ENGINE_CACHE_SIZE"]
        self.pool_size: int = config["PTCC_DB_POOL_SIZE"]
        self.max_overflow: int = config["PTCC_DB_MAX_OVERFLOW"]
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._lock = threading.Lock()
        #: Territories whose database was seen migrated; only a positive answer is kept.
        self._migrated: set[str] = set()

    def url_for(self, tenant: Tenant) -> str:
        if tenant.database_url:
            return tenant.database_url
        if self.template:
            return self.template.format(tenant=tenant.slug.replace("-", "_"))
        folder = self.instance_path / "databases"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / tenant.slug}.db"

    def get(self, tenant: Tenant) -> Engine:
        with self._lock:
            engine = self._engines.get(tenant.slug)
            if engine is not None:
                self._engines.move_to_end(tenant.slug)
                return engine
            engine = self._create(self.url_for(tenant))
            self._engines[tenant.slug] = engine
            while len(self._engines) > self.max_size:
                _slug, evicted = self._engines.popitem(last=False)
                evicted.dispose()
            return engine

    def _create(self, url: str) -> Engine:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(url, connect_args={"timeout": 15})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return sa.create_engine(
            url,
            pool_size=self.pool_size,
            max_overflow=self.max_overflow,
            pool_pre_ping=True,
            pool_recycle=1800,
        )

    def is_migrated(self, tenant: Tenant) -> bool:
        """Whether the territory's database exists and carries Alembic's version table.

        Checked once per process and territory: requests to a territory that an
        operator has not migrated yet get a clear page instead of failing queries.
        """
        if tenant.slug in self._migrated:
            return True
        url = make_url(self.url_for(tenant))
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            return False  # connecting would create an empty file
        try:
            with self.get(tenant).connect() as conn:
                migrated = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first() is not None
        except sa.exc.DBAPIError:
            migrated = False
        if migrated:
            self._migrated.add(tenant.slug)
        return migrated

    def cached_slugs(self) -> list[str]:
        return list(self._engines)

    def ensure_database(self, tenant: Tenant) -> bool:
        """Create the territory's database if missing; True when it was created."""
        url = self.url_for(tenant)
        if database_exists(url):
            return False
        create_database(url)
        return True

    def drop_database(self, tenant: Tenant) -> None:
        self.forget(tenant)
        url = self.url_for(tenant)
        if database_exists(url):
            drop_database(url)

    def forget(self, tenant: Tenant) -> None:
        self._migrated.discard(tenant.slug)
        with self._lock:
            engine = self._engines.pop(tenant.slug, None)
        if engine is not None:
            engine.dispose()

    def dispose_all(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.dispose()
