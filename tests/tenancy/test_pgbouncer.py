"""PostgreSQL behind PgBouncer (PTCC_PGBOUNCER): the engines' options and the connection budget.

No PgBouncer and no server here (``test_pgbouncer_server.py`` has the real ones): the URLs
point at a port nothing listens on, and the limits of PgBouncer and of the server are faked.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ptcc.tenancy import budget
from ptcc.tenancy import pgbouncer as pgbouncer_module
from ptcc.tenancy.budget import ServerLimits
from ptcc.tenancy.pgbouncer import PgBouncerConfigError, PgBouncerSettings, postgres_engine_options
from ptcc.testing.logs import RecordingLog
from tests.cli.sandbox import Platform

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
NOWHERE = "postgresql+psycopg://ptcc@127.0.0.1:1/ptcc_{tenant}"
POOL = {"PTCC_DB_POOL_SIZE": 2, "PTCC_DB_MAX_OVERFLOW": 3}


# --- engine options ---------------------------------------------------------------------


def test_without_pgbouncer_the_engines_keep_their_own_pinged_pool():
    assert postgres_engine_options({**POOL}) == {"pool_size": 2, "max_overflow": 3, "pool_pre_ping": True,
                                                  "pool_recycle": 1800}
    assert postgres_engine_options({**POOL, "PTCC_PGBOUNCER": False}) == postgres_engine_options({**POOL})


def test_behind_pgbouncer_no_statement_is_prepared_and_no_pool_is_kept():
    options = postgres_engine_options({**POOL, "PTCC_PGBOUNCER": True})
    assert options == {"connect_args": {"prepare_threshold": None}, "poolclass": sa.pool.NullPool}


def test_behind_pgbouncer_a_queue_pool_on_request_without_pings():
    options = postgres_engine_options({**POOL, "PTCC_PGBOUNCER": True, "PTCC_PGBOUNCER_POOL": "Queue"})
    assert options == {"connect_args": {"prepare_threshold": None}, "pool_size": 2, "max_overflow": 3,
                       "pool_recycle": 1800}


def test_an_unknown_pool_is_refused_when_the_application_starts(tmp_path):
    platform = Platform(tmp_path, NOWHERE, PTCC_PGBOUNCER=True, PTCC_PGBOUNCER_POOL="singleton")
    with pytest.raises(PgBouncerConfigError, match="PTCC_PGBOUNCER_POOL must be one of null, queue"):
        platform.app()


def _connect_arguments(engine) -> dict:
    """What the engine would hand psycopg.connect (captured, then the connection refused)."""
    seen = {}

    def capture(_dialect, _record, _cargs, cparams):
        seen.update(cparams)
        raise ConnectionRefusedError("captured")

    sa.event.listen(engine, "do_connect", capture)
    with pytest.raises(Exception, match="captured"):
        engine.connect()
    return seen


@pytest.mark.parametrize("pool, poolclass", [("null", sa.pool.NullPool), ("queue", sa.pool.QueuePool)])
def test_the_territory_engines_follow_the_setting(tmp_path, pool, poolclass):
    platform = Platform(tmp_path, NOWHERE, PTCC_PGBOUNCER=True, PTCC_PGBOUNCER_POOL=pool, **POOL)
    platform.write_tenant("alpha")
    try:
        app = platform.app()
        state = app.extensions["ptcc"]
        engine = state.engines.get(state.registry.get("alpha"))
        assert type(engine.pool) is poolclass
        arguments = _connect_arguments(engine)
        assert "prepare_threshold" in arguments and arguments["prepare_threshold"] is None
        assert arguments["dbname"] == "ptcc_alpha" and arguments["port"] == 1
    finally:
        platform.close()


def test_the_territory_engines_without_pgbouncer_are_unchanged(tmp_path):
    platform = Platform(tmp_path, NOWHERE, **POOL)
    platform.write_tenant("alpha")
    try:
        app = platform.app()
        state = app.extensions["ptcc"]
        engine = state.engines.get(state.registry.get("alpha"))
        assert type(engine.pool) is sa.pool.QueuePool and engine.pool.size() == 2
        assert engine.pool._pre_ping and "prepare_threshold" not in _connect_arguments(engine)
    finally:
        platform.close()


# --- the connection budget behind PgBouncer -------------------------------------------


def bouncer(max_client_conn=100, default_pool_size=2, reserve_pool_size=0, max_db_connections=0,
            max_user_connections=0) -> PgBouncerSettings:
    return PgBouncerSettings("transaction", max_client_conn, default_pool_size, reserve_pool_size,
                             max_db_connections, max_user_connections)


@pytest.fixture
def behind_pgbouncer(tmp_path):
    """Three territories on NOWHERE, PTCC_PGBOUNCER set; a fourth with its own user."""
    platform = Platform(tmp_path / "platform", NOWHERE, PTCC_PGBOUNCER=True, PTCC_ENGINE_CACHE_SIZE=32, **POOL)
    for slug in ("alpha", "beta", "gamma"):
        platform.write_tenant(slug)
    yield platform
    platform.close()


def asked(settings: PgBouncerSettings | Exception, max_connections: int = 100, reserved: int = 3):
    """(ask, ask_pgbouncer) fakes, and the URLs each was asked on."""
    urls = {"server": [], "pgbouncer": []}

    def ask(url):
        urls["server"].append(url)
        return ServerLimits(max_connections, reserved)

    def ask_pgbouncer(url):
        urls["pgbouncer"].append(url)
        if isinstance(settings, Exception):
            raise settings
        return settings

    return ask, ask_pgbouncer, urls


def test_budget_with_a_connection_per_request_against_max_client_conn(behind_pgbouncer):
    ask, ask_pgbouncer, urls = asked(bouncer(max_client_conn=100, default_pool_size=2))
    [found] = budget.budgets(behind_pgbouncer.app(), workers=4, threads=2, ask=ask, ask_pgbouncer=ask_pgbouncer)

    assert found.behind_pgbouncer and found.pool == "null"
    assert found.connections == 8  # 4 workers × 2 threads: one connection per request in flight
    assert found.server_connections == 6  # 3 territories × default_pool_size 2
    assert not found.over and found.checked
    assert found.formula() == (
        "to PgBouncer: 4 workers × 2 requests at once = 8 (PTCC_PGBOUNCER_POOL null: one connection per request "
        "in flight); PgBouncer to PostgreSQL: 3 territories × (default_pool_size 2 + reserve_pool_size 0) = 6 "
        "(max_user_connections 0: no limit)")
    assert found.verdict() == ("max_client_conn 100: within budget; max_connections 100 − 3 reserved = 97 "
                               "available: within budget")
    # PgBouncer's console and the server's limits, both asked at PgBouncer's address.
    assert [(u.port, u.database) for u in urls["server"]] == [(1, "postgres")]
    assert [(u.port, u.username) for u in urls["pgbouncer"]] == [(1, "ptcc")]


def test_too_many_clients_for_pgbouncer_names_max_client_conn(behind_pgbouncer):
    ask, ask_pgbouncer, _ = asked(bouncer(max_client_conn=10))

    [found] = budget.budgets(behind_pgbouncer.app(), workers=6, threads=2, ask=ask, ask_pgbouncer=ask_pgbouncer)

    assert found.over and found.clients_over and not found.server_over
    assert found.verdict().startswith("max_client_conn 10: over by 2; raise max_client_conn in pgbouncer.ini")


def test_a_queue_pool_counts_engines_against_max_client_conn(behind_pgbouncer):
    ask, ask_pgbouncer, _ = asked(bouncer(max_client_conn=50))

    [found] = budget.budgets(behind_pgbouncer.app(PTCC_PGBOUNCER_POOL="queue"), workers=4, threads=8, ask=ask,
                             ask_pgbouncer=ask_pgbouncer)

    assert found.connections == 4 * 3 * 5  # as without PgBouncer: workers × engines × pool + overflow
    assert found.over and "max_client_conn 50: over by 10" in found.verdict()


def test_pgbouncer_pools_over_max_connections_name_max_user_connections(tmp_path):
    platform = Platform(tmp_path / "many", NOWHERE, PTCC_PGBOUNCER=True, **POOL)
    for n in range(60):
        platform.write_tenant(f"t{n:02d}")
    try:
        ask, ask_pgbouncer, _ = asked(bouncer(default_pool_size=2), max_connections=100)
        [found] = budget.budgets(platform.app(), workers=2, threads=1, ask=ask, ask_pgbouncer=ask_pgbouncer)
        # 60 databases × 2: idle server connections stay open, 120 > 97.
        assert found.server_connections == 120 and found.server_over and not found.clients_over
        verdict = found.verdict()
        assert verdict.startswith("max_client_conn 100: within budget; max_connections 100 − 3 reserved = 97 "
                                  "available: over by 23; set max_user_connections in pgbouncer.ini (at most 97")
        assert "default_pool_size" in verdict and "max_connections" in verdict

        # max_user_connections caps them whatever the number of territories.
        ask, ask_pgbouncer, _ = asked(bouncer(default_pool_size=2, reserve_pool_size=1, max_user_connections=80))
        [found] = budget.budgets(platform.app(), workers=2, threads=1, ask=ask, ask_pgbouncer=ask_pgbouncer)
        assert found.server_connections == 80 and not found.over
        assert found.formula().endswith("PgBouncer to PostgreSQL: min(60 territories × (default_pool_size 2 + "
                                        "reserve_pool_size 1), max_user_connections 80) = 80")
    finally:
        platform.close()


def test_max_db_connections_bounds_each_pool(behind_pgbouncer):
    ask, ask_pgbouncer, _ = asked(bouncer(default_pool_size=5, reserve_pool_size=2, max_db_connections=3))

    [found] = budget.budgets(behind_pgbouncer.app(), workers=2, threads=1, ask=ask, ask_pgbouncer=ask_pgbouncer)

    assert found.per_pool == 3 and found.server_connections == 9
    assert "min(default_pool_size 5 + reserve_pool_size 2, max_db_connections 3)" in found.formula()


def test_max_user_connections_counts_once_per_user(behind_pgbouncer):
    behind_pgbouncer.write_tenant("delta", database_url="postgresql+psycopg://other@127.0.0.1:1/ptcc_delta")
    ask, ask_pgbouncer, _ = asked(bouncer(default_pool_size=20, max_user_connections=30))

    [found] = budget.budgets(behind_pgbouncer.app(), workers=2, threads=1, ask=ask, ask_pgbouncer=ask_pgbouncer)

    assert found.users == 2 and found.server_connections == 60
    assert "2 × max_user_connections 30" in found.formula()


def test_unknown_pgbouncer_settings_say_how_to_read_them(behind_pgbouncer):
    refused = sa.exc.OperationalError("connect", {}, Exception('FATAL:  not allowed'))
    ask, ask_pgbouncer, _ = asked(refused)
    log = RecordingLog()

    [found] = budget.warn_if_over_budget(behind_pgbouncer.app(), workers=2, threads=1, logger=log, ask=ask,
                                         ask_pgbouncer=ask_pgbouncer)

    assert not found.checked and not found.over
    [warning] = log.levels("warning")
    assert warning.startswith("PgBouncer 127.0.0.1:1: connection budget not checked: max_client_conn unknown "
                              "(OperationalError: FATAL:  not allowed; PgBouncer's admin console")
    assert "stats_users" in warning


def test_the_command_shows_both_budgets_and_fails_over_either(behind_pgbouncer, monkeypatch):
    monkeypatch.setattr(budget, "query_limits_behind_pgbouncer", lambda url, timeout=2: ServerLimits(100, 3))
    monkeypatch.setattr(pgbouncer_module, "query_settings", lambda url, timeout=2: bouncer(max_client_conn=5))

    result = behind_pgbouncer.run("db", "budget", "--workers", "3", "--threads", "2")

    assert result.exit_code == 1, result.output
    formula, verdict = result.output.splitlines()
    assert formula.startswith("127.0.0.1:1: to PgBouncer: 3 workers × 2 requests at once = 6 ")
    assert verdict.startswith("127.0.0.1:1: max_client_conn 5: over by 1; raise max_client_conn")


def test_gunicorn_start_up_warns_behind_pgbouncer(behind_pgbouncer, monkeypatch):
    """config/gunicorn.conf.py's when_ready, as gunicorn's master calls it."""
    monkeypatch.setattr(budget, "query_limits_behind_pgbouncer", lambda url, timeout=2: ServerLimits(10, 3))
    monkeypatch.setattr(pgbouncer_module, "query_settings", lambda url, timeout=2: bouncer(default_pool_size=5))
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("PTCC_THREADS", "1")
    hooks = runpy.run_path(str(GUNICORN_CONF))
    log = RecordingLog()
    app = behind_pgbouncer.app()
    cfg = SimpleNamespace(workers=hooks["workers"], threads=hooks["threads"], worker_class_str="sync",
                          worker_connections=1000)

    hooks["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app), cfg=cfg, log=log))

    [warning] = log.levels("warning")
    assert warning.startswith("PgBouncer 127.0.0.1:1: connection budget exceeded: to PgBouncer: 2 workers × 1 "
                              "request at once = 2")
    assert "3 territories × (default_pool_size 5 + reserve_pool_size 0) = 15" in warning
    assert "over by 8; set max_user_connections in pgbouncer.ini" in warning
