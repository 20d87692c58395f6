"""One engine per territory, created on first use and kept in a bounded LRU cache."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from contextvars import ContextVar
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.engine import Engine, make_url
from sqlalchemy_utils import create_database, database_exists, drop_database

from ptcc.tenancy.registry import Tenant

# --- SQLite: transactions that serialise writers -------------------------------------
#
# pysqlite opens a transaction only before an INSERT, UPDATE or DELETE, so a service's
# checks (SELECTs) run outside it and two requests can both pass them before either
# writes (docs/architecture.md, "Concurrent writes on SQLite"). SQLAlchemy's recipe for
# pysqlite: switch its transaction handling off and emit BEGIN ourselves, from the
# engine's ``begin`` event. BEGIN IMMEDIATE takes the database's write lock at the
# start, so a whole check-then-write is atomic; a deferred BEGIN takes a read snapshot
# and no lock, so readers never wait.

#: Seconds a connection waits for another one's write lock before "database is locked".
SQLITE_BUSY_TIMEOUT = 10
#: Requests that only read (RFC 9110 safe methods): a deferred BEGIN, without the write lock.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view):
    """Mark a view that writes although it answers a GET (a link followed from an e-mail):
    its transaction takes SQLite's write lock at once, like a POST's. A deferred
    transaction that read first cannot wait for the lock when it comes to write: it
    fails at once if another connection wrote meanwhile."""
    view.ptcc_writes_on_get = True
    return view


def _view_writes_on_get() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "ptcc_writes_on_get", False))


def _takes_write_lock() -> bool:
    """Immediate for state-changing requests and for work outside a request (CLI, jobs,
    tests' factories); deferred for safe requests."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or _view_writes_on_get()


class _SQLiteTransactions:
    """The connection events of one SQLite engine."""

    def __init__(self):
        #: The connection of this thread (or task) that holds the write lock, if any.
        self.writer: ContextVar[sqlite3.Connection | None] = ContextVar("ptcc_sqlite_writer", default=None)

    def on_connect(self, dbapi_connection, _record) -> None:
        # Off with pysqlite's own BEGIN: ``on_begin`` emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
        cursor.close()

    def on_begin(self, conn) -> None:
        dbapi_connection = conn.connection.dbapi_connection
        if _takes_write_lock() and not self._lock_held_elsewhere(dbapi_connection):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            self.writer.set(dbapi_connection)
        else:
            conn.exec_driver_sql("BEGIN")

    def on_end(self, conn) -> None:
        """Commit or rollback: the lock is released. Forgotten at once, because the pool
        may hand this connection to another thread, whose lock is not ours."""
        try:
            self._forget(conn.connection.dbapi_connection)
        except sa.exc.SQLAlchemyError:  # closed or invalidated: the check-in forgets it
            pass

    def on_checkin(self, dbapi_connection, _record) -> None:
        self._forget(dbapi_connection)

    def _forget(self, dbapi_connection) -> None:
        if dbapi_connection is not None and self.writer.get() is dbapi_connection:
            self.writer.set(None)

    def _lock_held_elsewhere(self, dbapi_connection) -> bool:
        """Whether another connection of this same request or command holds the lock.

        A request's session holds the lock while a helper opens a second connection to
        read on the side (the plugins' readiness check reads ``alembic_version``).
        Waiting for our own lock would only end in "database is locked"; a reader needs
        no lock in WAL mode, so that connection begins deferred.
        """
        holder = self.writer.get()
        if holder is None or holder is dbapi_connection:
            return False
        try:
            return holder.in_transaction
        except sqlite3.ProgrammingError:  # closed since (engine disposed)
            return False

    def listen(self, engine: Engine) -> None:
        sa.event.listen(engine, "connect", self.on_connect)
        sa.event.listen(engine, "begin", self.on_begin)
        sa.event.listen(engine, "commit", self.on_end)
        sa.event.listen(engine, "rollback", self.on_end)
        sa.event.listen(engine, "checkin", self.on_checkin)


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
        #: (driver, host, port) -> the dialect and compiled-SQL cache its engines share.
        self._compiled: dict[tuple, tuple] = {}
        #: Per territory, the plugins whose tables were seen there (ptcc.plugins.readiness).
        self._ready_plugins: dict[str, set[str]] = {}

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
            self._share_compiled_sql(engine)
            self._engines[tenant.slug] = engine
            while len(self._engines) > self.max_size:
                _slug, evicted = self._engines.popitem(last=False)
                evicted.dispose()
            return engine

    def _share_compiled_sql(self, engine: Engine) -> None:
        """Let every territory on the same kind of server reuse the SQL the others compiled.

        SQLAlchemy caches compiled statements per engine, keyed by the engine's dialect
        object: a territory whose engine was evicted from the cache, or never opened yet,
        started by recompiling every statement (a third to half of a request's time when
        territories outnumber the cache). Engines of one server (same driver, host and port:
        same SQL, same server version) therefore share one initialised dialect and one
        compiled cache; the first engine to connect to a server provides them.
        """
        key = (engine.url.drivername, engine.url.host, engine.url.port)
        shared = self._compiled.get(key)
        if shared is not None:
            engine.dialect, engine._compiled_cache = shared
            return

        def provide(_dbapi_connection, _record):
            # After the dialect's own first-connect initialisation (registered before us).
            self._compiled.setdefault(key, (engine.dialect, engine._compiled_cache))

        sa.event.listen(engine, "connect", provide, once=True)

    def _create(self, url: str) -> Engine:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            # The timeout covers the connection's own first statements (switching to WAL
            # takes a lock); ``busy_timeout`` then says the same for every transaction.
            engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
            _SQLiteTransactions().listen(engine)
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

    def ready_plugins(self, tenant: Tenant) -> set[str]:
        """The plugins known to be migrated in ``tenant`` (to be added to, never removed from)."""
        return self._ready_plugins.setdefault(tenant.slug, set())

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
        self._ready_plugins.pop(tenant.slug, None)
        with self._lock:
            engine = self._engines.pop(tenant.slug, None)
        if engine is not None:
            engine.dispose()

    def dispose_all(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            engine.dispose()
