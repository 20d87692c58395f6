"""How SQLite transactions begin (ptcc.tenancy.engines): the write lock for requests that
change things and for work outside a request, none for reads."""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.tenancy import engines as engine_module
from ptcc.testing.races import sqlite_write_lock_held


@pytest.fixture
def sqlite_file(app, ptcc_backend, territories):
    if ptcc_backend != "sqlite":
        pytest.skip("SQLite's transaction handling")
    url = sa.engine.make_url(app.extensions["ptcc"].engines.url_for(territories["alpha"]))
    return url.database


@pytest.fixture
def write_lock_taken(sqlite_file):
    """``write_lock_taken()``: whether some connection holds alpha's write lock right now."""

    return lambda: sqlite_write_lock_held(sqlite_file)


def _inside(app, method: str, path: str = "/"):
    from contextlib import ExitStack

    from ptcc.tenancy import tenant_context

    stack = ExitStack()
    stack.enter_context(tenant_context("alpha", app=app))
    stack.enter_context(app.test_request_context(path, method=method, base_url="http://alpha.test"))
    return stack


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_request_that_changes_things_takes_the_write_lock_at_its_first_query(app, write_lock_taken, method):
    with _inside(app, method):
        db.session.execute(sa.text("SELECT 1"))
        assert write_lock_taken()
        db.session.rollback()
        assert not write_lock_taken()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_read_takes_no_lock_and_does_not_wait_for_a_writer(app, sqlite_file, write_lock_taken, method):
    writer = sqlite3.connect(sqlite_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with _inside(app, method):
            started = time.monotonic()
            db.session.execute(sa.text("SELECT count(*) FROM users")).scalar()
            assert time.monotonic() - started < 1
            db.session.rollback()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with _inside(app, "GET"):
        db.session.execute(sa.text("SELECT 1"))
        assert not write_lock_taken()


def test_work_outside_a_request_takes_the_write_lock(app, in_territory, write_lock_taken):
    with in_territory("alpha"):
        db.session.execute(sa.text("SELECT 1"))
        assert write_lock_taken()


def test_a_get_that_writes_can_ask_for_the_lock(app, monkeypatch):
    view = app.view_functions["organisations.directory"]
    with _inside(app, "GET", "/organisations/"):
        assert not engine_module.takes_write_lock()
        monkeypatch.setattr(view, "ptcc_writes_on_get", True, raising=False)
        assert engine_module.takes_write_lock()
    with _inside(app, "GET", "/account/verify/some-token"):
        assert engine_module.takes_write_lock()  # the e-mailed confirmation link writes


def test_a_side_read_during_a_write_does_not_wait_for_its_own_request(app, sqlite_file, territories):
    """The session holds the lock; a second connection of the same request (the plugins'
    readiness check) reads without waiting for it."""
    engine = app.extensions["ptcc"].engines.get(territories["alpha"])
    with _inside(app, "POST"):
        db.session.execute(sa.text("SELECT 1"))
        started = time.monotonic()
        with engine.connect() as side:
            side.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
        assert time.monotonic() - started < 1


def test_the_connection_settings_still_apply(app, sqlite_file, territories):
    engine = app.extensions["ptcc"].engines.get(territories["alpha"])
    with engine.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "busy_timeout")}
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal",
                      "busy_timeout": engine_module.SQLITE_BUSY_TIMEOUT * 1000}
