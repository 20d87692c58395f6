"""A real PgBouncer (Debian's binary, transaction pooling) in front of the real PostgreSQL server.

The test starts its own PgBouncer on a free loopback port with the benchmark's launcher
(``benchmarks/pgbouncer.py``: the same generated ini), one server connection per database,
so that two clients of one territory always share the same server connection, which is
what makes prepared statements collide. Skipped, with the reason, when the binary or
PostgreSQL is missing (``PTCC_REQUIRE_POSTGRES=1`` makes PostgreSQL mandatory).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from ptcc.tenancy import budget
from ptcc.tenancy.pgbouncer import query_settings, release_database
from ptcc.testing.pytest_plugin import PG_ADMIN_URL
from tests.cli.sandbox import Platform, platform_database_url

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [pytest.mark.postgresql, pytest.mark.slow]


def _launcher():
    spec = importlib.util.spec_from_file_location("ptcc_bench_pgbouncer", ROOT / "benchmarks" / "pgbouncer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


launcher = _launcher()


def _drop_directly(url_template: str, slugs) -> None:
    """On the server itself, WITH (FORCE): PgBouncer may still hold a connection to them."""
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            for slug in slugs:
                name = sa.engine.make_url(url_template.format(tenant=slug)).database
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


@pytest.fixture
def bouncer(tmp_path, worker_id_suffix):
    database_url = platform_database_url("postgresql", worker_id_suffix, "pgb")  # skips without PostgreSQL
    reason = launcher.available()
    if reason:
        pytest.skip(reason)
    # server_login_retry 1: `ptcc db upgrade` connects to the territory's database before creating
    # it (sqlalchemy_utils' database_exists), and PgBouncer waits server_login_retry (15 s by
    # default) after that failed login before it logs in again (docs/pgbouncer.md).
    with launcher.PgBouncer(tmp_path / "pgbouncer", database_url, max_user_connections=8, default_pool_size=1,
                            max_client_conn=50, server_login_retry=1) as running:
        running.direct_url = database_url
        yield running


@pytest.fixture
def platform(bouncer, tmp_path):
    """A platform whose PTCC_DATABASE_URL is PgBouncer's, with PTCC_PGBOUNCER set; alpha migrated
    through PgBouncer by ``ptcc db upgrade`` (which creates its database)."""
    made = Platform(tmp_path / "platform", bouncer.url_template(), PTCC_PGBOUNCER=True)
    made.write_tenant("alpha", hosts=["alpha.test"])
    try:
        result = made.run("db", "upgrade")
        assert result.exit_code == 0, result.output
        yield made
    finally:
        for app in made.apps:
            app.extensions["ptcc"].engines.dispose_all()
        _drop_directly(bouncer.direct_url, ["alpha", "copy"])


def _stats(bouncer, database: str) -> dict:
    return next((row for row in bouncer.show("STATS") if row["database"] == database), {})


def test_pages_are_served_through_pgbouncer(platform, bouncer):
    app = platform.app()
    client = app.test_client()
    database = sa.engine.make_url(bouncer.url_template().format(tenant="alpha")).database

    # More requests than psycopg's prepare_threshold (5): every statement repeats.
    statuses = [client.get(path, headers={"Host": "alpha.test"}).status_code
                for path in ["/", "/organisations/", "/search?q=jardin"] * 8]

    assert statuses == [200] * 24
    assert _stats(bouncer, database).get("total_xact_count", 0) >= 24  # they went through PgBouncer
    state = app.extensions["ptcc"]
    engine = state.engines.get(state.registry.get("alpha"))
    assert type(engine.pool) is sa.pool.NullPool
    with engine.connect() as conn:
        assert conn.connection.driver_connection.prepare_threshold is None
        assert conn.connection.driver_connection.info.port == bouncer.port


def test_prepared_statements_collide_behind_pgbouncer_unless_turned_off(platform, bouncer):
    """Why PTCC_PGBOUNCER sets prepare_threshold=None: PgBouncer 1.18 lends the one server
    connection of alpha to each client in turn, and a statement psycopg prepared there for
    one client is in the way of the next client's."""
    conninfo = {"host": "127.0.0.1", "port": bouncer.port, "user": "postgres",
                "dbname": sa.engine.make_url(bouncer.url_template().format(tenant="alpha")).database}

    def two_clients(threshold) -> list[str]:
        errors = []
        for _client in range(2):
            with psycopg.connect(**conninfo, prepare_threshold=threshold) as conn:
                try:
                    for n in range(8):
                        conn.execute("SELECT count(*) + %s FROM alembic_version", (n,)).fetchone()
                        conn.commit()
                except psycopg.Error as exc:
                    errors.append(type(exc).__name__)
        return errors

    assert two_clients(None) == []
    assert two_clients(5) == ["DuplicatePreparedStatement"]  # psycopg's default threshold


def test_the_budget_reads_pgbouncer_and_the_server_behind_it(platform, bouncer):
    [found] = budget.budgets(platform.app(), workers=2, threads=1)

    assert found.behind_pgbouncer and found.checked and not found.over
    assert found.server == f"127.0.0.1:{bouncer.port}"
    settings = found.pgbouncer
    assert (settings.pool_mode, settings.max_client_conn, settings.default_pool_size,
            settings.max_user_connections) == ("transaction", 50, 1, 8)
    engine = sa.create_engine(PG_ADMIN_URL, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert found.limits.max_connections == int(conn.scalar(sa.text("SHOW max_connections")))
    finally:
        engine.dispose()
    assert found.connections == 2 and found.server_connections == 1
    assert query_settings(bouncer.url_template().format(tenant="alpha")) == settings


def test_a_database_pgbouncer_holds_can_be_copied_once_released(platform, bouncer):
    """CREATE DATABASE … TEMPLATE refuses a database anybody is connected to, and PgBouncer
    keeps its idle server connection to alpha after the requests: release_database closes it."""
    client = platform.app().test_client()
    assert client.get("/", headers={"Host": "alpha.test"}).status_code == 200
    alpha = sa.engine.make_url(bouncer.url_template().format(tenant="alpha")).database
    copy = sa.engine.make_url(bouncer.url_template().format(tenant="copy")).database
    assert any(row["database"] == alpha for row in bouncer.show("SERVERS"))

    assert release_database(bouncer.url_template().format(tenant="alpha")) >= 1
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{alpha}"')
    finally:
        engine.dispose()
    # PgBouncer noticed its closed server connection and serves alpha again.
    assert client.get("/", headers={"Host": "alpha.test"}).status_code == 200
