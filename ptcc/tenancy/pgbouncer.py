"""PostgreSQL behind PgBouncer in transaction pooling: the engine options, and what PgBouncer allows.

With ``PTCC_PGBOUNCER`` set, every PostgreSQL URL of the platform (``PTCC_DATABASE_URL`` and
the territories' own ``database_url``) is taken to point at a PgBouncer whose ``pool_mode``
is ``transaction``: each transaction of a client may run on a different server connection,
and between two transactions the client's connection has no server connection at all.
Two things follow for the engines (``postgres_engine_options``):

- **No prepared statements.** psycopg 3 prepares a statement on the server once it has run
  ``prepare_threshold`` times (5) on a connection, and executes it by name afterwards. Behind
  PgBouncer before 1.21 (Debian 12 ships 1.18) that name may reach a server connection that
  never saw it ("prepared statement "_pg3_0" does not exist"), or one that already has it
  ("... already exists"). ``prepare_threshold=None`` turns preparing off.
- **No pool of our own by default** (``PTCC_PGBOUNCER_POOL = "null"``, SQLAlchemy's
  ``NullPool``): a connection to PgBouncer is opened for each checkout and closed after.
  Opening one costs ~1 ms (PgBouncer answers the start-up itself, no server process is
  started), where opening one to PostgreSQL costs 5-12 ms. Engines then hold no connection
  between requests, so the engine cache (``PTCC_ENGINE_CACHE_SIZE``) no longer bounds
  connections, and PgBouncer's client slots (``max_client_conn``) are one per request in
  flight. ``"queue"`` keeps a ``QueuePool`` of ``PTCC_DB_POOL_SIZE`` + ``PTCC_DB_MAX_OVERFLOW``
  per engine as without PgBouncer, without ``pool_pre_ping`` (each ping would be one more
  transaction for PgBouncer to route); docs/pgbouncer.md gives the measurements.

Nothing in PTCC keeps state in a server session across transactions (no ``SET`` outside
``SET LOCAL``, no advisory lock, ``LISTEN``, temporary table or ``WITH HOLD`` cursor):
``SELECT … FOR UPDATE`` and savepoints live inside one transaction, which PgBouncer keeps
on one server connection. What does not work through PgBouncer is listed in
docs/pgbouncer.md (``CREATE DATABASE … TEMPLATE`` while PgBouncer keeps a connection to the
template; ``DROP DATABASE`` likewise).

``query_settings`` reads PgBouncer's own limits from its admin console (the ``pgbouncer``
database; the user must be in ``stats_users`` or ``admin_users``), for the connection
budget (``ptcc.tenancy.budget``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import sqlalchemy as sa

#: ``PTCC_PGBOUNCER_POOL`` values.
POOLS = ("null", "queue")
#: Seconds before a server-side pooled connection is recycled when PTCC keeps its own pool.
POOL_RECYCLE = 1800


class PgBouncerConfigError(ValueError):
    pass


def behind_pgbouncer(config: Mapping[str, Any]) -> bool:
    return bool(config.get("PTCC_PGBOUNCER", False))


def pool_kind(config: Mapping[str, Any]) -> str:
    """"null" or "queue" behind PgBouncer; "queue" (PTCC's own pools) without it."""
    if not behind_pgbouncer(config):
        return "queue"
    kind = str(config.get("PTCC_PGBOUNCER_POOL", "null") or "null").strip().lower()
    if kind not in POOLS:
        raise PgBouncerConfigError(f"PTCC_PGBOUNCER_POOL must be one of {', '.join(POOLS)}, not {kind!r}")
    return kind


def postgres_engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``sqlalchemy.create_engine`` for a territory's PostgreSQL URL.

    Without PgBouncer: a ``QueuePool`` of ``PTCC_DB_POOL_SIZE`` + ``PTCC_DB_MAX_OVERFLOW``,
    pinged before use and recycled every half hour (a server restart or an idle timeout
    never hands a dead connection to a request). Behind PgBouncer (``PTCC_PGBOUNCER``):
    psycopg never prepares statements, and by default no pool (see the module's docstring).
    """
    if not behind_pgbouncer(config):
        return {"pool_size": config["PTCC_DB_POOL_SIZE"], "max_overflow": config["PTCC_DB_MAX_OVERFLOW"],
                "pool_pre_ping": True, "pool_recycle": POOL_RECYCLE}
    options: dict[str, Any] = {"connect_args": {"prepare_threshold": None}}
    if pool_kind(config) == "null":
        options["poolclass"] = sa.pool.NullPool
    else:
        options.update(pool_size=config["PTCC_DB_POOL_SIZE"], max_overflow=config["PTCC_DB_MAX_OVERFLOW"],
                       pool_recycle=POOL_RECYCLE)
    return options


# --- PgBouncer's own limits ---------------------------------------------------------------


@dataclass(frozen=True)
class PgBouncerSettings:
    """What ``SHOW CONFIG`` says, for the settings that bound connections."""

    pool_mode: str
    #: Client connections PgBouncer accepts in all (PTCC's workers are clients).
    max_client_conn: int
    #: Server connections per pool (one pool per database and user).
    default_pool_size: int
    #: Extra server connections a pool may open when clients wait for long.
    reserve_pool_size: int = 0
    #: Server connections per database (0: no limit).
    max_db_connections: int = 0
    #: Server connections per user, whatever the database (0: no limit). With many
    #: territories this is the setting that keeps PgBouncer under the server's
    #: max_connections: PgBouncer closes an idle connection of another database to open one.
    max_user_connections: int = 0

    @classmethod
    def from_rows(cls, rows: Mapping[str, str]) -> "PgBouncerSettings":
        def number(key: str) -> int:
            return int(rows.get(key) or 0)

        return cls(pool_mode=rows.get("pool_mode", ""), max_client_conn=number("max_client_conn"),
                   default_pool_size=number("default_pool_size"), reserve_pool_size=number("reserve_pool_size"),
                   max_db_connections=number("max_db_connections"),
                   max_user_connections=number("max_user_connections"))


def _psycopg_conninfo(url) -> dict[str, Any]:
    url = sa.engine.make_url(url)
    info = {"host": url.host or "localhost", "port": url.port or 5432, "user": url.username or None,
            "password": url.password or None, "dbname": url.database}
    info.update({key: value for key, value in url.query.items() if isinstance(value, str)})
    return {key: value for key, value in info.items() if value is not None}


def query_settings(url, timeout: int = 2) -> PgBouncerSettings:
    """PgBouncer's settings, asked on its admin console: the ``pgbouncer`` database at the
    URL's host and port, as the URL's user (who must be in ``stats_users`` or ``admin_users``).

    Plain psycopg, not SQLAlchemy: the console speaks the simple query protocol only and
    knows none of the queries SQLAlchemy's dialect sends on a first connection.
    """
    import psycopg

    info = {**_psycopg_conninfo(url), "dbname": "pgbouncer"}
    with psycopg.connect(**info, autocommit=True, prepare_threshold=None, connect_timeout=timeout) as conn:
        rows = {str(row[0]): str(row[1]) for row in conn.execute("SHOW CONFIG").fetchall()}
    return PgBouncerSettings.from_rows(rows)


# --- databases that PgBouncer keeps connections to ----------------------------------------


def release_database(url, timeout: float = 5.0) -> int:
    """Close every other connection to ``url``'s database, and wait until they are gone;
    returns how many were closed.

    PgBouncer keeps its idle server connections to a database (``server_idle_timeout``,
    10 minutes by default) after the last client left, and PostgreSQL refuses
    ``CREATE DATABASE … TEMPLATE`` of a database anybody is connected to, and a plain
    ``DROP DATABASE``. Closing them is harmless: PgBouncer drops a server connection that
    the server closed and opens another when a client needs one. Works through PgBouncer
    (on its ``postgres`` database) or on the server directly; the user must be allowed to
    end the sessions (a superuser, the database's owner, or a member of pg_signal_backend).
    """
    import time

    url = sa.engine.make_url(url)
    name = url.database
    engine = sa.create_engine(url.set(database="postgres"), poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT",
                              connect_args={"prepare_threshold": None})
    others = sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()")
    try:
        with engine.connect() as conn:
            closed = len(conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).all())
            deadline = time.monotonic() + timeout
            while conn.execute(others, {"name": name}).first() is not None and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        engine.dispose()
    return closed
