"""The PostgreSQL connection budget: `ptcc db budget`, and gunicorn's warning at start-up."""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ptcc.tenancy import budget
from ptcc.tenancy.budget import ServerLimits
from ptcc.testing.logs import RecordingLog
from tests.cli.sandbox import PG_ADMIN_URL, Platform, platform_database_url

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
#: A server nothing listens on: the fake limits answer for it, and without them it is unreachable.
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/ptcc_{tenant}"
SETTINGS = {"PTCC_ENGINE_CACHE_SIZE": 32, "PTCC_DB_POOL_SIZE": 2, "PTCC_DB_MAX_OVERFLOW": 3}


@pytest.fixture
def on_postgres(tmp_path):
    """Three territories whose databases are on NOWHERE, and one with a SQLite file."""
    platform = Platform(tmp_path / "platform", NOWHERE, **SETTINGS)
    for slug in ("alpha", "beta", "gamma"):
        platform.write_tenant(slug)
    platform.write_tenant("delta", database_url=f"sqlite:///{tmp_path}/delta.db")
    yield platform
    platform.close()


def fake_server(monkeypatch, max_connections: int, reserved: int = 3) -> list:
    """The server's answer, faked; returns the URLs it was asked on."""
    asked = []

    def limits(url, timeout=budget.CONNECT_TIMEOUT):
        asked.append(url)
        return ServerLimits(max_connections, reserved)

    monkeypatch.setattr(budget, "query_limits", limits)
    return asked


def gunicorn_when_ready(app, monkeypatch, workers: int, threads: int, worker_class: str = "sync") -> RecordingLog:
    """config/gunicorn.conf.py's ``when_ready`` hook, called as gunicorn's master calls it."""
    monkeypatch.setenv("WEB_CONCURRENCY", str(workers))
    monkeypatch.setenv("PTCC_THREADS", str(threads))
    hooks = runpy.run_path(str(GUNICORN_CONF))
    log = RecordingLog()
    cfg = SimpleNamespace(workers=hooks["workers"], threads=hooks["threads"], worker_class_str=worker_class,
                          worker_connections=1000)
    hooks["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app), cfg=cfg, log=log))
    return log


def test_the_command_shows_the_computation_and_fails_over_budget(on_postgres, monkeypatch):
    asked = fake_server(monkeypatch, max_connections=20)

    result = on_postgres.run("db", "budget", "--workers", "4", "--threads", "2")

    assert result.exit_code == 1, result.output
    formula, verdict = result.output.splitlines()
    # 4 workers × 3 engines (3 territories on that server, fewer than the cache) × 2 (threads).
    assert formula == ("127.0.0.1:1: 4 workers × 3 engines × 2 connections per engine = 24 "
                       "(engines: min(PTCC_ENGINE_CACHE_SIZE 32, 3 territories); per engine: "
                       "min(PTCC_DB_POOL_SIZE 2 + PTCC_DB_MAX_OVERFLOW 3, 2 requests at once per worker))")
    assert verdict.startswith("127.0.0.1:1: max_connections 20 − 3 reserved = 17 available: over by 7; ")
    for setting in ("WEB_CONCURRENCY", "PTCC_THREADS", "PTCC_ENGINE_CACHE_SIZE", "PTCC_DB_POOL_SIZE",
                    "PTCC_DB_MAX_OVERFLOW", "PgBouncer"):
        assert setting in verdict
    assert [url.database for url in asked] == ["postgres"]  # asked once, on the maintenance database


def test_the_command_within_budget(on_postgres, monkeypatch):
    fake_server(monkeypatch, max_connections=100)

    result = on_postgres.run("db", "budget", "--workers", "4", "--threads", "8")

    assert result.exit_code == 0, result.output
    assert "4 workers × 3 engines × 5 connections per engine = 60" in result.output
    assert result.output.splitlines()[1] == "127.0.0.1:1: max_connections 100 − 3 reserved = 97 available: within budget"


def test_the_command_reads_workers_and_threads_from_the_gunicorn_file(on_postgres, monkeypatch):
    fake_server(monkeypatch, max_connections=100)
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("PTCC_THREADS", "4")

    result = on_postgres.run("db", "budget", "--gunicorn-config", str(GUNICORN_CONF))

    assert "3 workers × 3 engines × 4 connections per engine = 36" in result.output


def test_gunicorn_warns_when_the_budget_exceeds_a_small_max_connections(on_postgres, monkeypatch):
    fake_server(monkeypatch, max_connections=10)

    log = gunicorn_when_ready(on_postgres.app(), monkeypatch, workers=5, threads=1)

    [warning] = log.levels("warning")
    assert warning.startswith("PostgreSQL 127.0.0.1:1: connection budget exceeded: 5 workers × 3 engines × "
                              "1 connection per engine = 15")
    assert "max_connections 10 − 3 reserved = 7 available: over by 8" in warning
    assert "PTCC_ENGINE_CACHE_SIZE" in warning and "PgBouncer" in warning


def test_gunicorn_says_nothing_alarming_within_budget(on_postgres, monkeypatch):
    fake_server(monkeypatch, max_connections=100)

    log = gunicorn_when_ready(on_postgres.app(), monkeypatch, workers=5, threads=4)

    assert log.levels("warning") == []
    [info] = log.levels("info")
    assert "= 60 " in info and "within budget" in info


def test_async_workers_count_their_connections_not_their_threads(on_postgres, monkeypatch):
    fake_server(monkeypatch, max_connections=100)

    log = gunicorn_when_ready(on_postgres.app(), monkeypatch, workers=2, threads=1, worker_class="gevent")

    # Each engine may then use its whole pool: 2 × 3 × (2 + 3).
    assert "= 30 " in log.levels("info")[0]


def test_an_unreachable_server_never_stops_start_up(on_postgres, monkeypatch):
    started = time.monotonic()

    log = gunicorn_when_ready(on_postgres.app(), monkeypatch, workers=5, threads=1)

    assert time.monotonic() - started < 10
    [warning] = log.levels("warning")
    assert warning.startswith("PostgreSQL 127.0.0.1:1: connection budget not checked: max_connections unknown "
                              "(OperationalError: ")


def test_sqlite_only_has_no_budget(tmp_path, monkeypatch):
    platform = Platform(tmp_path)
    platform.write_tenant("alpha")
    try:
        assert platform.run("db", "budget").output.strip() == "no territory on PostgreSQL: no connection budget to check"
        assert gunicorn_when_ready(platform.app(), monkeypatch, workers=5, threads=1).records == []
    finally:
        platform.close()


# --- against the real server ---------------------------------------------------------


def real_max_connections() -> int:
    engine = sa.create_engine(PG_ADMIN_URL, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(sa.text("SHOW max_connections")))
    finally:
        engine.dispose()


@pytest.fixture
def real_postgres(tmp_path, worker_id_suffix):
    platform = Platform(tmp_path / "pg", platform_database_url("postgresql", worker_id_suffix, "budget"))
    platform.write_tenant("alpha")
    yield platform
    platform.close()


def test_the_real_server_is_asked_its_max_connections(real_postgres):
    app = real_postgres.app()
    [found] = budget.budgets(app, workers=1, threads=1)
    assert found.limits.max_connections == real_max_connections()
    assert not found.over


@pytest.mark.slow
@pytest.mark.parametrize("over", [True, False])
def test_gunicorn_logs_the_budget_at_start_up(real_postgres, tmp_path, over):
    """A real gunicorn, a real server: one worker whose threads alone exceed max_connections."""
    available = real_max_connections() - 3
    threads = available + 1 if over else 1
    listener = socket.create_server(("127.0.0.1", 0))
    log = tmp_path / "gunicorn.log"
    env = real_postgres.env(PTCC_BIND=f"fd://{listener.fileno()}", WEB_CONCURRENCY="1", PTCC_THREADS=str(threads),
                            PTCC_DB_POOL_SIZE=str(threads), PTCC_DB_MAX_OVERFLOW="0", PTCC_LOG_LEVEL="info")
    with listener, log.open("w") as log_file:
        process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", str(GUNICORN_CONF), "wsgi:app"],
                                   cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                   start_new_session=True, pass_fds=[listener.fileno()])
    try:
        deadline = time.monotonic() + 30
        while "connection budget" not in log.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
        text = log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert "connection budget" in text, text
    if over:
        assert f"connection budget exceeded: 1 worker × 1 engine × {threads} connections per engine" in text
        assert "PgBouncer" in text
    else:
        assert "exceeded" not in text and "within budget" in text
