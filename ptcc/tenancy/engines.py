"""One engine per territory, created on first use and kept in a bounded LRU cache.

When territories outnumber the cache (PTCC_ENGINE_CACHE_SIZE), nearly every request opens an
engine and closes the oldest, so making one is kept cheap; what a process learnt about a
territory outlives its engine (``TerritoryFacts``). See benchmarks/README.md, "Territories".
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from contextvars import ContextVar
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import QueuePool
from sqlalchemy_utils import create_database, database_exists, drop_database

from ptcc import version_mirror
from ptcc.tenancy.facts import TerritoryFacts
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


def takes_write_lock() -> bool:
    """Immediate for state-changing requests and for work outside a request (CLI, jobs,
    tests' factories); deferred for safe requests."""
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or _view_writes_on_get()


#: The connections of this thread (or task) holding a write lock, each with the pool of its
#: engine: ``((Pool, sqlite3.Connection), ...)``, emptied at commit, rollback and check-in. One variable for every engine: a variable per engine would leave
#: an entry in each thread's context for every engine ever created, and engines come and go.
_WRITERS: ContextVar[tuple] = ContextVar("ptcc_sqlite_writers", default=())


class _SQLiteTransactions:
    """The connection events of SQLite engines: of one, or of a class of them."""

    def __init__(self, dialect_on_connect=None):
        #: SQLAlchemy's own per-connection set-up (its ``regexp`` and ``floor`` functions),
        #: for engines made without ``create_engine``, which would otherwise register it.
        self.dialect_on_connect = dialect_on_connect

    def on_connect(self, dbapi_connection, _record) -> None:
        if self.dialect_on_connect is not None:
            self.dialect_on_connect(dbapi_connection)
        # Off with pysqlite's own BEGIN: ``on_begin`` emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
        cursor.close()

    def on_begin(self, conn) -> None:
        dbapi_connection, pool = conn.connection.dbapi_connection, conn.engine.pool
        if takes_write_lock() and not self._lock_held_elsewhere(pool, dbapi_connection):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            _WRITERS.set(tuple(held for held in _WRITERS.get() if held[0] is not pool) + ((pool, dbapi_connection),))
        else:
            conn.exec_driver_sql("BEGIN")

    def on_end(self, conn) -> None:
        """Commit or rollback: the lock is released. Forgotten at once, because the pool
        may hand this connection to another thread, whose lock is not ours."""
        try:
            self._forget(conn.connection.dbapi_connection)
        except sa.exc.SQLAlchemyError:  # closed or invalidated: the check-in forgets it
            pass

    def on_checkin(self, dbapi_connection, record) -> None:
        self._forget(dbapi_connection)
        if record is not None:
            version_mirror.release_for_connection(record.info)

    def _forget(self, dbapi_connection) -> None:
        held = _WRITERS.get()
        if dbapi_connection is not None and any(conn is dbapi_connection for _pool, conn in held):
            _WRITERS.set(tuple(pair for pair in held if pair[1] is not dbapi_connection))

    def _lock_held_elsewhere(self, pool, dbapi_connection) -> bool:
        """Whether another connection of this same request or command holds the lock.

        A request's session holds the lock while a helper opens a second connection to
        read on the side (the plugins' readiness check reads ``alembic_version``).
        Waiting for our own lock would only end in "database is locked"; a reader needs
        no lock in WAL mode, so that connection begins deferred.
        """
        holder = next((conn for owner, conn in _WRITERS.get() if owner is pool), None)
        if holder is None or holder is dbapi_connection:
            return False
        try:
            return holder.in_transaction
        except sqlite3.ProgrammingError:  # closed since (engine disposed)
            return False

    def listen(self, engine, pool=None) -> None:
        """On an engine, or on an Engine subclass and a Pool subclass (all their instances)."""
        pool = engine if pool is None else pool
        sa.event.listen(pool, "connect", self.on_connect)
        sa.event.listen(engine, "begin", self.on_begin)
        sa.event.listen(engine, "commit", self.on_end)
        sa.event.listen(engine, "rollback", self.on_end)
        sa.event.listen(pool, "checkin", self.on_checkin)


class _SQLitePool(QueuePool):
    """A pool of ``_SQLiteEngineFactory``; events on the class (registered once for all)."""


class _SQLiteEngine(Engine):
    """An engine of ``_SQLiteEngineFactory``; events on the class: registering them on each
    engine took half of the time making one."""


_class_events_lock = threading.Lock()


class _SQLiteEngineFactory:
    """Engines for SQLite territory files, made without ``create_engine``.

    ``create_engine`` parses the URL, builds and configures a new dialect, registers its
    events, and initialises the dialect at the first connection: a third of what opening a
    territory costs beyond SQLite's own work (benchmarks/README.md, "Territories"), paid at
    nearly every request of a round-robin over more territories than the engine cache.
    Every file is served by the same SQLite library, so one dialect, initialised once on an
    in-memory database, and one compiled-SQL cache serve them all; an engine is then a pool
    of connections to its own file, with the events of ``_SQLiteTransactions``.
    """

    dialect = compiled_cache = None

    @staticmethod
    def handles(url: URL) -> bool:
        """Files through pysqlite; in-memory databases need create_engine's own pool."""
        return url.drivername in ("sqlite", "sqlite+pysqlite") and url.database not in (None, "", ":memory:")

    def _initialise(self) -> None:
        probe = sa.create_engine("sqlite://")
        with probe.connect():  # the dialect's first-connect initialisation
            pass
        probe.dispose()
        with _class_events_lock:
            if not getattr(_SQLiteEngine, "ptcc_listening", False):
                _SQLiteTransactions(probe.dialect.on_connect()).listen(_SQLiteEngine, _SQLitePool)
                _SQLiteEngine.ptcc_listening = True
        self.dialect, self.compiled_cache = probe.dialect, probe._compiled_cache

    def create(self, url: URL) -> Engine:
        """Called under ``TenantEngines._lock``, like all of ``_create``."""
        if self.dialect is None:
            self._initialise()
        args, kwargs = self.dialect.create_connect_args(url)
        # The timeout covers the connection's own first statements (switching to WAL takes
        # a lock); ``busy_timeout`` then says the same for every transaction.
        creator = partial(self.dialect.connect, *args, **{**kwargs, "timeout": SQLITE_BUSY_TIMEOUT})
        # QueuePool with its defaults: what create_engine chooses for a SQLite file.
        engine = _SQLiteEngine(_SQLitePool(creator, dialect=self.dialect), self.dialect, url)
        engine._compiled_cache = self.compiled_cache
        return engine


class TenantEngines:
    def __init__(self, config):
        self.template: str = config["PTCC_DATABASE_URL"]
        self.instance_path = Path(config["PTCC_INSTANCE_PATH"])
        self.max_size: int = config["PTCC_ENGINE_CACHE_SIZE"]
        self.pool_size: int = config["PTCC_DB_POOL_SIZE"]
        self.max_overflow: int = config["PTCC_DB_MAX_OVERFLOW"]
        from ptcc.tenancy.pgbouncer import postgres_engine_options  # direct, or behind PgBouncer
        self.postgres_options = postgres_engine_options(config)
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._lock = threading.Lock()
        #: Migrated territories, their revisions and ready plugins (positive answers only).
        self.facts = TerritoryFacts()
        #: (driver, host, port) -> the dialect and compiled-SQL cache its engines share.
        self._compiled: dict[tuple, tuple] = {}
        self._sqlite = _SQLiteEngineFactory()
        self._folder_made = False
        #: slug -> where its data version is mirrored (``ptcc.version_mirror``), or None.
        self._version_mirrors: dict[str, object] = {}
        self.redis_url: str = config.get("PTCC_REDIS_URL") or ""
        self.redis_prefix: str = config.get("PTCC_CACHE_PREFIX", "ptcc:cache:")
        self._redis = None

    def url_for(self, tenant: Tenant) -> str:
        if tenant.database_url:
            return tenant.database_url
        if self.template:
            return self.template.format(tenant=tenant.slug.replace("-", "_"))
        return f"sqlite:///{self._sqlite_folder()}/{tenant.slug}.db"

    def version_mirror(self, tenant: Tenant):
        """Where the territory's data version is mirrored (``ptcc.version_mirror``): a file
        beside a SQLite database, else Redis when configured, else None (the row is read)."""
        try:
            return self._version_mirrors[tenant.slug]
        except KeyError:
            url = make_url(self.url_for(tenant))
            if self._sqlite.handles(url):
                found = version_mirror.FileMirror(url.database)
            elif self.redis_url:
                found = version_mirror.RedisMirror(self._redis_client(), f"{self.redis_prefix}version:{tenant.slug}")
            else:
                found = None
            self._version_mirrors[tenant.slug] = found
            return found

    def _redis_client(self):
        if self._redis is None:
            import redis

            # Short timeouts: a Redis that does not answer is a mirror missing, not a request stuck.
            self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return self._redis

    def _sqlite_folder(self, create: bool = False) -> Path:
        """Made at first use and for a new database, not at every engine (a system call)."""
        folder = self.instance_path / "databases"
        if create or not self._folder_made:
            folder.mkdir(parents=True, exist_ok=True)
            self._folder_made = True
        return folder

    def get(self, tenant: Tenant) -> Engine:
        with self._lock:
            engine = self._engines.get(tenant.slug)
            if engine is not None:
                self._engines.move_to_end(tenant.slug)
                return engine
            engine = self._create(self.url_for(tenant))
            # Which mirror its writers withdraw (ptcc.caching.bump_data_version).
            engine.ptcc_version_mirror = self.version_mirror(tenant)
            self._engines[tenant.slug] = engine
            while len(self._engines) > self.max_size:
                _slug, evicted = self._engines.popitem(last=False)
                _close(evicted)
            return engine

    def _server_engine(self, url: str) -> Engine:
        """An engine for a database on a server, sharing what every territory on the same
        server (same driver, host and port: same SQL, same server version) can share.

        SQLAlchemy caches compiled statements per engine, keyed by the engine's dialect
        object, and initialises each new engine's dialect at its first connection (on
        PostgreSQL four round trips: version, schema, string escaping, hstore; 16 to 20 ms
        of a territory's first request). The first engine of a server provides its
        initialised dialect and its compiled-SQL cache; later ones are made without an
        initialisation of their own (``_initialize=False``) and take them, with the
        per-connection set-up that ``create_engine`` would have registered.
        """
        parsed = make_url(url)
        key = (parsed.drivername, parsed.host, parsed.port)
        shared = self._compiled.get(key)
        options = self.postgres_options  # ptcc.tenancy.pgbouncer
        if shared is None:
            engine = sa.create_engine(url, **options)

            def provide(_dbapi_connection, _record):
                # After the dialect's own first-connect initialisation (registered before us).
                self._compiled.setdefault(key, (engine.dialect, engine._compiled_cache))

            sa.event.listen(engine, "connect", provide, once=True)
        else:
            engine = sa.create_engine(url, **options, _initialize=False)
            dialect, compiled_cache = shared
            engine.dialect, engine._compiled_cache = dialect, compiled_cache
            engine.pool._dialect = dialect
            for set_up in (dialect.on_connect_url(engine.url), dialect._builtin_onconnect()):
                if set_up is not None:
                    sa.event.listen(engine.pool, "connect", partial(_run_set_up, set_up))
        sa.event.listen(engine, "checkin", _release_version_mirror)
        return engine

    def _create(self, url: str) -> Engine:
        parsed = make_url(url)
        if self._sqlite.handles(parsed):
            return self._sqlite.create(parsed)
        if parsed.get_backend_name() == "sqlite":
            # The timeout covers the connection's own first statements (switching to WAL
            # takes a lock); ``busy_timeout`` then says the same for every transaction.
            engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT})
            _SQLiteTransactions().listen(engine)
            return engine
        return self._server_engine(url)

    def is_migrated(self, tenant: Tenant) -> bool:
        """Whether the territory's database exists and carries Alembic's version table.

        Checked once per process and territory (while ``facts`` remembers it): requests to
        a territory that an operator has not migrated yet get a clear page instead of
        failing queries. The revisions read are kept for the plugins' readiness.
        """
        if self.facts.heads(tenant.slug) is not None:
            return True
        url = make_url(self.url_for(tenant))
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            return False  # connecting would create an empty file
        try:
            with self.get(tenant).connect() as conn:
                heads = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
        except sa.exc.DBAPIError:
            heads = []
        if heads:
            self.facts.remember(tenant.slug, heads=heads)
        return bool(heads)

    def ready_plugins(self, tenant: Tenant) -> frozenset[str]:
        """The plugins known to be migrated in ``tenant``."""
        return self.facts.ready(tenant.slug)

    def mark_ready(self, tenant: Tenant, names, heads=None) -> None:
        """Plugins seen migrated in ``tenant`` (never taken back), with the revisions read."""
        self.facts.remember(tenant.slug, heads=heads, ready=names)

    def cached_slugs(self) -> list[str]:
        return list(self._engines)

    def ensure_database(self, tenant: Tenant) -> bool:
        """Create the territory's database if missing; True when it was created."""
        if not (tenant.database_url or self.template):
            self._sqlite_folder(create=True)
        url = self.url_for(tenant)
        if database_exists(url):
            return False
        create_database(url)
        self.forget_version_mirror(tenant)
        return True

    def drop_database(self, tenant: Tenant) -> None:
        self.forget(tenant)
        url = self.url_for(tenant)
        if database_exists(url):
            drop_database(url)
        self.forget_version_mirror(tenant)

    def forget_version_mirror(self, tenant: Tenant) -> None:
        """A new or dropped database, or tables emptied or replaced outside PTCC (tests, a
        restore): its mirror (if any) says nothing about it any more."""
        mirror = self.version_mirror(tenant)
        if mirror is not None:
            mirror.remove()

    def forget(self, tenant: Tenant) -> None:
        self.facts.forget(tenant.slug)
        self._version_mirrors.pop(tenant.slug, None)
        with self._lock:
            engine = self._engines.pop(tenant.slug, None)
        if engine is not None:
            _close(engine)

    def dispose_all(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
        for engine in engines:
            _close(engine)


def _run_set_up(set_up, dbapi_connection, _record) -> None:
    set_up(dbapi_connection)


def _release_version_mirror(_dbapi_connection, record) -> None:
    """A server database's connection back in its pool: its bump's mirror lock, if any, goes."""
    if record is not None:
        version_mirror.release_for_connection(record.info)


def _close(engine: Engine) -> None:
    """Close the connections of an engine the cache let go of. ``Engine.dispose`` would also
    build it a new pool, for nothing; the old one still serves a request that holds it."""
    engine.pool.dispose()
