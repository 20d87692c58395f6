"""Territories that outnumber the engine cache: an engine evicted and made again behaves as
the first one did, the files a process holds open stay within the bound, and what the process
learnt about each territory (ptcc.tenancy.facts.TerritoryFacts) outlives its engine, in a
structure that is bounded too."""

from __future__ import annotations

import gc
import os
from contextlib import ExitStack, contextmanager

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from ptcc.tenancy.engines import SQLITE_BUSY_TIMEOUT
from ptcc.tenancy.facts import TerritoryFacts
from ptcc.testing.races import sqlite_write_lock_held


@pytest.fixture
def engines(app, monkeypatch):
    """The application's engine cache, holding one engine at a time during the test."""
    engines = app.extensions["ptcc"].engines
    engines.dispose_all()
    monkeypatch.setattr(engines, "max_size", 1)
    yield engines
    engines.dispose_all()


@pytest.fixture
def sqlite_only(ptcc_backend):
    if ptcc_backend != "sqlite":
        pytest.skip("SQLite's files and connection settings")


def evict(engines, territories, slug: str):
    """Open the other territory's engine, which pushes ``slug``'s out of a cache of one."""
    other = "beta" if slug == "alpha" else "alpha"
    with engines.get(territories[other]).connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert engines.cached_slugs() == [other]


@contextmanager
def statements():
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", note)


def test_an_engine_made_again_keeps_every_connection_setting(app, engines, territories, sqlite_only):
    first = engines.get(territories["alpha"])
    with first.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    evict(engines, territories, "alpha")
    assert first.pool.checkedin() == 0  # the evicted engine's connection is closed
    again = engines.get(territories["alpha"])
    assert again is not first
    assert again.dialect is first.dialect and again._compiled_cache is first._compiled_cache
    with again.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "busy_timeout")}
        # SQLAlchemy's own functions on every SQLite connection, which create_engine would add.
        assert conn.execute(sa.text("SELECT 'territoire' REGEXP 'rit'")).scalar() == 1
        assert conn.execute(sa.text("SELECT floor(2.5)")).scalar() == 2
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": SQLITE_BUSY_TIMEOUT * 1000}


@pytest.mark.parametrize("method, locks", [("POST", True), ("GET", False)])
def test_an_engine_made_again_still_serialises_writers(app, engines, territories, sqlite_only, method, locks):
    path = sa.engine.make_url(engines.url_for(territories["alpha"])).database
    engines.get(territories["alpha"])
    evict(engines, territories, "alpha")
    with ExitStack() as stack:
        stack.enter_context(tenant_context("alpha", app=app))
        stack.enter_context(app.test_request_context("/", method=method, base_url="http://alpha.test"))
        db.session.execute(sa.text("SELECT 1"))
        assert sqlite_write_lock_held(path) is locks  # BEGIN IMMEDIATE for a write, deferred for a read
        db.session.rollback()
        assert not sqlite_write_lock_held(path)


def test_a_foreign_key_still_refuses_a_missing_row_after_eviction(app, engines, territories, sqlite_only):
    engines.get(territories["alpha"])
    evict(engines, territories, "alpha")
    with tenant_context("alpha", app=app):
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("INSERT INTO organisation_topics (organisation_id, topic_id) "
                                       "VALUES (987654, 987654)"))
        db.session.rollback()


def _database_descriptors(folder: str) -> list[str]:
    """The file descriptors this process holds on the territories' database files."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder) and target.endswith(".db"):
            found.append(target)
    return found


def test_the_files_held_open_stay_within_the_cache(app, engines, territories, alpha, beta, sqlite_only):
    folder = os.path.dirname(sa.engine.make_url(engines.url_for(territories["alpha"])).database)
    # Earlier tests of this worker share these files and may still hold one (an application
    # they made and dropped, not yet collected): the bound is on what the cache adds.
    gc.collect()
    before = len(_database_descriptors(folder))
    for client in (alpha, beta, alpha, beta, alpha):
        assert client.get("/").status_code == 200
        assert len(_database_descriptors(folder)) - before <= engines.max_size


def test_what_was_learnt_outlives_the_engine_and_is_read_once(app, engines, territories, alpha):
    engines.forget(territories["alpha"])
    with statements() as seen:
        assert alpha.get("/").status_code == 200
    # A territory's first request reads its version table once: "migrated" and every
    # plugin's readiness come from the same read.
    assert sum("alembic_version" in s for s in seen) == 1
    assert engines.facts.heads("alpha")
    evict(engines, territories, "alpha")
    with statements() as seen:
        assert engines.is_migrated(territories["alpha"])
        assert alpha.get("/").status_code == 200
    assert not [s for s in seen if "alembic_version" in s]


def test_the_version_table_is_compiled_once_for_every_territory(app, engines, territories, alpha, beta):
    for slug in ("alpha", "beta"):
        engines.forget(territories[slug])
        with tenant_context(slug, app=app):
            from ptcc.plugins.readiness import current_heads

            assert current_heads()
    cache = engines.get(territories["alpha"])._compiled_cache
    size = len(cache)
    for slug in ("alpha", "beta", "alpha"):
        engines.forget(territories[slug])
        with tenant_context(slug, app=app):
            current_heads()
    assert len(cache) == size


def test_territory_facts_are_bounded_and_shared():
    facts = TerritoryFacts(size=3)
    for n in range(10):
        facts.remember(f"t{n}", heads=["a1", "b2"])
    assert len(facts) == 3
    assert facts.heads("t0") is None and facts.heads("t9") == {"a1", "b2"}
    assert facts.heads("t8") is facts.heads("t9")  # one frozenset for equal answers
    facts.heads("t7")  # used: the least recently used one goes first
    facts.remember("t10", heads=["a1", "b2"])
    assert facts.heads("t8") is None and facts.heads("t7") is not None


def test_territory_facts_keep_positive_answers_only():
    facts = TerritoryFacts(size=4)
    facts.remember("empty", heads=[])  # an empty version table is not "migrated"
    facts.remember("unknown", ready=["volunteering"])  # readiness of a territory never checked
    assert facts.heads("empty") is None and facts.heads("unknown") is None and len(facts) == 0
    facts.remember("alpha", heads=["a1"])
    facts.remember("alpha", ready=["volunteering"])
    facts.remember("alpha", ready=["sample"], heads=["a2"])
    assert facts.ready("alpha") == {"volunteering", "sample"} and facts.heads("alpha") == {"a2"}
    facts.forget("alpha")
    assert facts.heads("alpha") is None and facts.ready("alpha") == frozenset()


def test_a_later_engine_of_the_same_server_skips_the_dialect_set_up(app, engines, territories, alpha, beta,
                                                                     ptcc_backend, monkeypatch):
    """The first engine of a server initialises the dialect (PostgreSQL: four round trips);
    the others take it, with the per-connection set-up, and work the same."""
    if ptcc_backend != "postgresql":
        pytest.skip("SQLite's engines share one dialect made once (_SQLiteEngineFactory)")
    first = engines.get(territories["alpha"])
    with first.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    evict(engines, territories, "alpha")  # beta's engine, made after alpha's dialect was set up
    engines.forget(territories["beta"])
    initialised = []
    dialect_class = type(first.dialect)
    original = dialect_class.initialize
    # create_engine's own first connection runs without events: count the calls themselves.
    monkeypatch.setattr(dialect_class, "initialize", lambda self, conn: (initialised.append(self),
                                                                         original(self, conn))[1])
    later = engines.get(territories["beta"])
    with later.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert later.dialect is first.dialect and later._compiled_cache is first._compiled_cache
    assert initialised == []
    page = beta.get("/organisations/")
    assert page.status_code == 200
    with later.connect() as conn:  # psycopg's per-connection set-up still ran: types come back typed
        assert conn.execute(sa.text("SELECT CAST('{\"a\": 1}' AS json)")).scalar() == {"a": 1}
