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
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ptcc.tenancy.reports import describe

log = logging.getLogger(__name__)

#: Seconds to wait for the server at start-up; libpq's smallest useful value is 2.
CONNECT_TIMEOUT = 2
ADVICE = ("lower WEB_CONCURRENCY (workers), PTCC_THREADS, PTCC_ENGINE_CACHE_SIZE, PTCC_DB_POOL_SIZE or "
          "PTCC_DB_MAX_OVERFLOW, raise the server's max_connections, or put PgBouncer between PTCC "
          "and PostgreSQL")


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
    """The connections one PostgreSQL server may be asked for."""

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

    @property
    def engines(self) -> int:
        # No territory yet: as many as the cache holds, once they come.
        return min(self.cache_size, self.territories) if self.territories else self.cache_size

    @property
    def per_engine(self) -> int:
        return min(self.pool_size + self.max_overflow, self.threads)

    @property
    def connections(self) -> int:
        return self.workers * self.engines * self.per_engine

    @property
    def over(self) -> bool:
        return self.limits is not None and self.connections > self.limits.available

    def formula(self) -> str:
        territories = f"{self.territories} territories" if self.territories else "no territory yet"
        return (f"{_count(self.workers, 'worker')} × {_count(self.engines, 'engine')} × "
                f"{_count(self.per_engine, 'connection')} per engine = {self.connections} "
                f"(engines: min(PTCC_ENGINE_CACHE_SIZE {self.cache_size}, {territories}); per engine: "
                f"min(PTCC_DB_POOL_SIZE {self.pool_size} + PTCC_DB_MAX_OVERFLOW {self.max_overflow}, "
                f"{self.threads} requests at once per worker))")

    def verdict(self) -> str:
        if self.limits is None:
            return f"max_connections unknown ({self.error})"
        limits = self.limits
        allowed = (f"max_connections {limits.max_connections} − {limits.reserved} reserved = "
                   f"{limits.available} available")
        if self.over:
            return f"{allowed}: over by {self.connections - limits.available}; {ADVICE}"
        return f"{allowed}: within budget"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def query_limits(url, timeout: int = CONNECT_TIMEOUT) -> ServerLimits:
    """The server's connection limits, asked once on a connection of its own."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"connect_timeout": timeout,
                                            "options": f"-c statement_timeout={timeout * 1000}"})
    try:
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.text(
                "SELECT name, setting::int FROM pg_settings "
                "WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')"
            )).all())
    finally:
        engine.dispose()
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


def budgets(app, workers: int, threads: int, ask=None) -> list[Budget]:
    """One ``Budget`` per PostgreSQL server the territories use (none for SQLite only).
    ``ask(url)`` answers a server's ``ServerLimits`` (default: ``query_limits``)."""
    ask = ask or query_limits
    tenancy = app.extensions["ptcc"]
    config = app.config
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
        result.append(Budget(server=server, territories=len(urls), workers=workers, threads=max(1, threads),
                             cache_size=config["PTCC_ENGINE_CACHE_SIZE"], pool_size=config["PTCC_DB_POOL_SIZE"],
                             max_overflow=config["PTCC_DB_MAX_OVERFLOW"], limits=limits, error=error))
    return result


def warn_if_over_budget(app, workers: int, threads: int, logger=None, ask=None) -> list[Budget]:
    """Log a warning for each server the platform may ask for more connections than it
    allows; an unreachable server is logged too, and start-up goes on."""
    logger = logger or log
    found = budgets(app, workers, threads, ask)
    for budget in found:
        if budget.over:
            logger.warning("PostgreSQL %s: connection budget exceeded: %s; %s",
                           budget.server, budget.formula(), budget.verdict())
        elif budget.limits is None:
            logger.warning("PostgreSQL %s: connection budget not checked: %s", budget.server, budget.verdict())
        else:
            logger.info("PostgreSQL %s: connection budget %s; %s", budget.server, budget.formula(), budget.verdict())
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
