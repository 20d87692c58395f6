"""How many PostgreSQL connections the platform may open, against what the server allows.

Each worker process keeps up to ``PTCC_ENGINE_CACHE_SIZE`` territory engines, each with
a pool of up to ``PTCC_DB_POOL_SIZE + PTCC_DB_MAX_OVERFLOW`` connections. A request uses
one connection of its territory's engine, so an engine never holds more connections than
the worker has threads serving requests at once:

    workers × engines × min(pool size + max overflow, threads)

where "engines" is the smaller of the cache size and the number of territories on that
server (a worker never opens more engines than there are territories). A server refuses
connections past ``max_connections`` (less the slots kept for superusers); pages then
fail with "too many clients". The check warns at start-up; it never stops it.

Behind PgBouncer (``PTCC_PGBOUNCER``), two budgets instead, each against its own limit:

- **PTCC to PgBouncer**: the same count of client connections (with the default
  ``PTCC_PGBOUNCER_POOL = "null"``, one per request in flight: ``workers × threads``), against
  PgBouncer's ``max_client_conn``;
- **PgBouncer to PostgreSQL**: one pool per territory database (and user), each of up to
  ``default_pool_size + reserve_pool_size`` (at most ``max_db_connections``) server
  connections, and at most ``max_user_connections`` in all for each user, against the
  server's ``max_connections``. Idle server connections stay open (``server_idle_timeout``),
  so with many territories ``max_user_connections`` is what keeps PgBouncer within the server.

PgBouncer's settings are read on its admin console (``ptcc.tenancy.pgbouncer.query_settings``:
the user must be in ``stats_users``), the server's limits through PgBouncer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ptcc.tenancy import pgbouncer as pgbouncer_module
from ptcc.tenancy.pgbouncer import PgBouncerSettings, behind_pgbouncer, pool_kind
from ptcc.tenancy.reports import describe

log = logging.getLogger(__name__)

#: Seconds to wait for the server at start-up; libpq's smallest useful value is 2.
CONNECT_TIMEOUT = 2
ADVICE = ("lower WEB_CONCURRENCY (workers), PTCC_THREADS, PTCC_ENGINE_CACHE_SIZE, PTCC_DB_POOL_SIZE or "
          "PTCC_DB_MAX_OVERFLOW, raise the server's max_connections, or put PgBouncer between PTCC "
          "and PostgreSQL (docs/pgbouncer.md)")
#: Behind PgBouncer, when PTCC may open more connections to it than it accepts.
CLIENT_ADVICE = ("raise max_client_conn in pgbouncer.ini, or lower WEB_CONCURRENCY (workers) or PTCC_THREADS"
                 " (with PTCC_PGBOUNCER_POOL=queue also PTCC_ENGINE_CACHE_SIZE, PTCC_DB_POOL_SIZE, "
                 "PTCC_DB_MAX_OVERFLOW, or PTCC_PGBOUNCER_POOL=null)")
LIMITS_QUERY = ("SELECT name, setting::int FROM pg_settings "
                "WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')")


@dataclass(frozen=True)
class ServerLimits:
    max_connections: int
    #: superuser_reserved_connections (and reserved_connections from PostgreSQL 16).
    reserved: int

    @property
    def available(self) -> int:
        return self.max_connections - self.reserved


@dataclass(frozen=True)
class Budget:
    """The connections one PostgreSQL server (or one PgBouncer) may be asked for."""

    server: str
    territories: int
    workers: int
    threads: int
    cache_size: int
    pool_size: int
    max_overflow: int
    limits: ServerLimits | None = None
    #: Why the server's limits are unknown (unreachable), when they are.
    error: str = ""
    #: ``server`` is a PgBouncer in transaction pooling (PTCC_PGBOUNCER), ``limits`` those
    #: of the PostgreSQL server behind it.
    behind_pgbouncer: bool = False
    #: PTCC_PGBOUNCER_POOL: "null" (a connection per checkout) or "queue".
    pool: str = "queue"
    #: PgBouncer's own limits, when known.
    pgbouncer: PgBouncerSettings | None = None
    #: Why PgBouncer's limits are unknown, when they are.
    pgbouncer_error: str = ""
    #: Distinct users the territories log in as (PgBouncer's max_user_connections is per user).
    users: int = 1

    @property
    def engines(self) -> int:
        # No territory yet: as many as the cache holds, once they come.
        return min(self.cache_size, self.territories) if self.territories else self.cache_size

    @property
    def per_engine(self) -> int:
        return min(self.pool_size + self.max_overflow, self.threads)

    @property
    def connections(self) -> int:
        """Connections PTCC's workers may open to ``server`` (to PgBouncer when behind it)."""
        if self.pool == "null":
            return self.workers * self.threads
        return self.workers * self.engines * self.per_engine

    # --- behind PgBouncer: its connections to the server ------------------------------

    @property
    def per_pool(self) -> int | None:
        """Server connections PgBouncer may keep for one territory database."""
        if self.pgbouncer is None:
            return None
        per_pool = self.pgbouncer.default_pool_size + self.pgbouncer.reserve_pool_size
        if self.pgbouncer.max_db_connections:
            per_pool = min(per_pool, self.pgbouncer.max_db_connections)
        return per_pool

    @property
    def server_connections(self) -> int | None:
        """Connections PgBouncer may open to the PostgreSQL server for these territories."""
        if self.pgbouncer is None:
            return None
        total = max(1, self.territories) * self.per_pool
        if self.pgbouncer.max_user_connections:
            total = min(total, self.users * self.pgbouncer.max_user_connections)
        return total

    @property
    def clients_over(self) -> bool:
        return self.pgbouncer is not None and self.connections > self.pgbouncer.max_client_conn

    @property
    def server_over(self) -> bool:
        if not self.behind_pgbouncer:
            return self.limits is not None and self.connections > self.limits.available
        return (self.limits is not None and self.server_connections is not None
                and self.server_connections > self.limits.available)

    @property
    def over(self) -> bool:
        return self.clients_over or self.server_over

    @property
    def checked(self) -> bool:
        """Every limit this budget is compared with is known."""
        return self.limits is not None and (not self.behind_pgbouncer or self.pgbouncer is not None)

    def formula(self) -> str:
        territories = f"{self.territories} territories" if self.territories else "no territory yet"
        if self.pool == "null":
            clients = (f"{_count(self.workers, 'worker')} × {_count(self.threads, 'request')} at once = "
                       f"{self.connections} "
                       f"(PTCC_PGBOUNCER_POOL null: one connection per request in flight)")
        else:
            clients = (f"{_count(self.workers, 'worker')} × {_count(self.engines, 'engine')} × "
                       f"{_count(self.per_engine, 'connection')} per engine = {self.connections} "
                       f"(engines: min(PTCC_ENGINE_CACHE_SIZE {self.cache_size}, {territories}); per engine: "
                       f"min(PTCC_DB_POOL_SIZE {self.pool_size} + PTCC_DB_MAX_OVERFLOW {self.max_overflow}, "
                       f"{self.threads} requests at once per worker))")
        if not self.behind_pgbouncer:
            return clients
        text = f"to PgBouncer: {clients}; PgBouncer to PostgreSQL: "
        bouncer = self.pgbouncer
        if bouncer is None:
            return text + f"unknown ({self.pgbouncer_error})"
        per_pool = f"default_pool_size {bouncer.default_pool_size} + reserve_pool_size {bouncer.reserve_pool_size}"
        if bouncer.max_db_connections:
            per_pool = f"min({per_pool}, max_db_connections {bouncer.max_db_connections})"
        databases = max(1, self.territories)
        pools = f"{databases} territor{'y' if databases == 1 else 'ies'} × ({per_pool})"
        if bouncer.max_user_connections:
            users = f"{self.users} × " if self.users > 1 else ""
            return text + f"min({pools}, {users}max_user_connections {bouncer.max_user_connections}) = " \
                          f"{self.server_connections}"
        return text + f"{pools} = {self.server_connections} (max_user_connections 0: no limit)"

    def verdict(self) -> str:
        if not self.behind_pgbouncer:
            return self._server_verdict(self.connections, ADVICE)
        if self.pgbouncer is None:
            clients = f"max_client_conn unknown ({self.pgbouncer_error})"
        elif self.clients_over:
            clients = (f"max_client_conn {self.pgbouncer.max_client_conn}: over by "
                       f"{self.connections - self.pgbouncer.max_client_conn}; {CLIENT_ADVICE}")
        else:
            clients = f"max_client_conn {self.pgbouncer.max_client_conn}: within budget"
        if self.pgbouncer is None:
            return f"{clients}; {self._server_verdict(None, '')}"
        return f"{clients}; {self._server_verdict(self.server_connections, self._server_advice())}"

    def _server_verdict(self, connections: int | None, advice: str) -> str:
        if self.limits is None:
            return f"max_connections unknown ({self.error})"
        limits = self.limits
        allowed = (f"max_connections {limits.max_connections} − {limits.reserved} reserved = "
                   f"{limits.available} available")
        if connections is None:
            return allowed
        if connections > limits.available:
            return f"{allowed}: over by {connections - limits.available}; {advice}"
        return f"{allowed}: within budget"

    def _server_advice(self) -> str:
        room = self.limits.available if self.limits else 0
        share = max(1, room // max(1, self.users))
        return (f"set max_user_connections in pgbouncer.ini (at most {share}, less what the server's other users "
                f"need: PgBouncer then closes an idle connection of another territory to open one), or lower "
                f"default_pool_size or reserve_pool_size, or raise the server's max_connections")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def query_limits(url, timeout: int = CONNECT_TIMEOUT) -> ServerLimits:
    """The server's connection limits, asked once on a connection of its own."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": timeout,
                                            "options": f"-c statement_timeout={timeout * 1000}"})
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.text(LIMITS_QUERY)).all())
    finally:
        engine.dispose()
    return _limits(rows)


def query_limits_behind_pgbouncer(url, timeout: int = CONNECT_TIMEOUT) -> ServerLimits:
    """The limits of the server behind a PgBouncer, asked through it: no ``options`` start-up
    parameter (PgBouncer refuses it), the statement timeout set for the transaction only."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": timeout, "prepare_threshold": None})
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"SET LOCAL statement_timeout = {int(timeout * 1000)}"))
            rows = dict(conn.execute(sa.text(LIMITS_QUERY)).all())
    finally:
        engine.dispose()
    return _limits(rows)


def _limits(rows) -> ServerLimits:
    return ServerLimits(rows["max_connections"],
                        rows.get("superuser_reserved_connections", 0) + rows.get("reserved_connections", 0))


def postgres_servers(registry, engines) -> dict[str, list[str]]:
    """Each PostgreSQL server (``host:port``) and its territories' database URLs."""
    servers: dict[str, list[str]] = {}
    urls = [engines.url_for(t) for t in registry]
    for url in urls:
        parsed = make_url(url)
        if parsed.get_backend_name() == "postgresql":
            servers.setdefault(_server_name(parsed), []).append(url)
    if engines.template and not urls:
        # No territory yet: the template says which server the first ones will use.
        parsed = make_url(engines.template.format(tenant="postgres"))
        if parsed.get_backend_name() == "postgresql":
            servers[_server_name(parsed)] = []
    return servers


def _server_name(url) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def budgets(app, workers: int, threads: int, ask=None, ask_pgbouncer=None) -> list[Budget]:
    """One ``Budget`` per PostgreSQL server (or PgBouncer) the territories use (none for
    SQLite only). ``ask(url)`` answers a server's ``ServerLimits`` (default: ``query_limits``,
    or ``query_limits_behind_pgbouncer`` with ``PTCC_PGBOUNCER``); ``ask_pgbouncer(url)`` a
    PgBouncer's ``PgBouncerSettings`` (default: ``ptcc.tenancy.pgbouncer.query_settings``)."""
    tenancy = app.extensions["ptcc"]
    config = app.config
    bouncing = behind_pgbouncer(config)
    ask = ask or (query_limits_behind_pgbouncer if bouncing else query_limits)
    ask_pgbouncer = ask_pgbouncer or pgbouncer_module.query_settings
    result = []
    template = tenancy.engines.template
    for server, urls in postgres_servers(tenancy.registry, tenancy.engines).items():
        limits, error = None, ""
        sample = make_url(urls[0] if urls else template.format(tenant="postgres"))
        # The maintenance database first: a territory's may not exist yet.
        for url in (sample.set(database="postgres"), sample):
            try:
                limits = ask(url)
                break
            except Exception as exc:  # unreachable, refused, no such database: never fatal
                error = describe(exc)
        extra = {}
        if bouncing:
            settings, pgbouncer_error = None, ""
            try:
                settings = ask_pgbouncer(sample)
            except Exception as exc:  # not a PgBouncer, or the user is not in stats_users
                pgbouncer_error = (f"{describe(exc)}; PgBouncer's admin console (database pgbouncer) answers the "
                                   "users of stats_users or admin_users in pgbouncer.ini")
            users = {make_url(url).username for url in urls} or {sample.username}
            extra = {"behind_pgbouncer": True, "pool": pool_kind(config), "pgbouncer": settings,
                     "pgbouncer_error": pgbouncer_error, "users": len(users)}
        result.append(Budget(server=server, territories=len(urls), workers=workers, threads=max(1, threads),
                             cache_size=config["PTCC_ENGINE_CACHE_SIZE"], pool_size=config["PTCC_DB_POOL_SIZE"],
                             max_overflow=config["PTCC_DB_MAX_OVERFLOW"], limits=limits, error=error, **extra))
    return result


def warn_if_over_budget(app, workers: int, threads: int, logger=None, ask=None, ask_pgbouncer=None) -> list[Budget]:
    """Log a warning for each server the platform may ask for more connections than it
    allows; an unreachable server is logged too, and start-up goes on."""
    logger = logger or log
    found = budgets(app, workers, threads, ask, ask_pgbouncer)
    for budget in found:
        what = "PgBouncer" if budget.behind_pgbouncer else "PostgreSQL"
        if budget.over:
            logger.warning("%s %s: connection budget exceeded: %s; %s",
                           what, budget.server, budget.formula(), budget.verdict())
        elif not budget.checked:
            logger.warning("%s %s: connection budget not checked: %s", what, budget.server, budget.verdict())
        else:
            logger.info("%s %s: connection budget %s; %s", what, budget.server, budget.formula(), budget.verdict())
    return found


#: Worker classes that serve many requests at once in one thread (greenlets): their
#: concurrency per worker is gunicorn's ``worker_connections``, not ``threads``.
ASYNC_WORKER_CLASSES = ("gevent", "eventlet", "tornado")


def concurrency(worker_class: str, threads: int, worker_connections: int) -> int:
    """Requests one gunicorn worker serves at once."""
    if any(name in (worker_class or "") for name in ASYNC_WORKER_CLASSES):
        return worker_connections
    return max(1, threads)


def gunicorn_settings(path) -> tuple[int, int]:
    """(workers, requests at once per worker) as a gunicorn configuration file sets them,
    read by running it (it reads the environment as it does when gunicorn starts)."""
    import runpy

    settings = runpy.run_path(str(path))
    return (int(settings.get("workers", 1)),
            concurrency(str(settings.get("worker_class", "sync")), int(settings.get("threads", 1)),
                        int(settings.get("worker_connections", 1000))))
