"""The data version of a territory on a database server, mirrored in Redis (ptcc.version_mirror):
workers sharing a Redis serve a kept page without a database connection, see every write at
their next request, and fall back on the database when Redis does not answer."""

from __future__ import annotations

import secrets
import time

import pytest
import sqlalchemy as sa

from ptcc import version_mirror
from ptcc.extensions import db
from ptcc.testing.clients import TerritoryClient
from ptcc.tenancy import tenant_context
from tests.caching.helpers import add_organisation, every_write_is_seen_while_another_reads, organisations_shown

REDIS_DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_url():
    import redis

    from tests.accounts.test_login_limits_redis import REDIS_URL

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    return REDIS_URL


@pytest.fixture
def workers(app, ptcc_base_config, ptcc_backend, redis_url):
    """Two applications sharing one Redis, as two gunicorn workers or hosts are."""
    if ptcc_backend == "sqlite":
        pytest.skip("SQLite mirrors in a file (test_version_mirror.py)")
    from ptcc.app import create_app

    made = []

    def make(url: str = redis_url, prefix: str | None = None):
        # A prefix of this test's own: nothing another test mirrored is read here.
        config = dict(ptcc_base_config, PTCC_REDIS_URL=url, RATELIMIT_STORAGE_URI="memory://",
                      PTCC_CACHE_PREFIX=prefix or f"ptcc_test_mirror_{secrets.token_hex(4)}:")
        made.append(create_app(config))
        return made[-1]

    yield make
    for worker in made:
        worker.extensions["ptcc"].engines.dispose_all()


def _mirror(worker):
    return worker.extensions["ptcc"].engines.version_mirror(worker.extensions["ptcc"].registry.get("alpha"))


def _database_version(worker) -> int:
    from ptcc.tenancy.models import DataVersion

    with tenant_context("alpha", app=worker):
        return db.session.scalar(sa.select(DataVersion.version).where(DataVersion.id == 1))


def test_a_kept_page_needs_no_connection(workers):
    first = workers()
    second = workers(prefix=first.config["PTCC_CACHE_PREFIX"])
    add_organisation(first)
    client = TerritoryClient(second.test_client(), "alpha.test")
    assert client.get("/organisations/").headers["PTCC-Page-Cache"] == "stored"
    assert _mirror(second).read() == _database_version(second)
    seen = []

    def note(*args):
        seen.append(args)

    sa.event.listen(sa.pool.Pool, "checkout", note)
    try:
        assert client.get("/organisations/").headers["PTCC-Page-Cache"] == "hit"
    finally:
        sa.event.remove(sa.pool.Pool, "checkout", note)
    assert seen == []


def test_a_write_withdraws_the_mirror_until_its_connection_is_back(workers):
    from ptcc.caching import bump_data_version

    worker = workers()
    add_organisation(worker)
    assert organisations_shown(TerritoryClient(worker.test_client(), "alpha.test")) == 1
    mirror = _mirror(worker)
    assert mirror.read() is not None
    with tenant_context("alpha", app=worker):
        bump_data_version(db.session)
        assert mirror.read() is None
        assert mirror.acquire(wait=0) is None  # the writer's until its commit is over
        db.session.commit()
    held = mirror.acquire(wait=0)
    assert held is not None
    held.release()


def test_every_write_of_one_worker_is_seen_by_the_other_at_its_next_request(workers):
    writer = workers()
    add_organisation(writer)
    every_write_is_seen_while_another_reads(writer, workers(prefix=writer.config["PTCC_CACHE_PREFIX"]), writes=8)


def test_a_redis_that_does_not_answer_leaves_the_database_in_charge(workers, caplog):
    worker = workers(REDIS_DOWN)
    client = TerritoryClient(worker.test_client(), "alpha.test")
    with caplog.at_level("WARNING", logger="ptcc.version_mirror"):
        add_organisation(worker)
        assert organisations_shown(client) == 1
        add_organisation(worker)
        assert organisations_shown(client) == 2
    assert any("unavailable" in record.getMessage() for record in caplog.records)


def test_an_expired_lock_is_not_released_by_its_former_holder(workers, monkeypatch):
    worker = workers()
    mirror = _mirror(worker)
    monkeypatch.setattr(version_mirror, "REDIS_LOCK_SECONDS", 0.05)
    stale = mirror.acquire()
    time.sleep(0.1)  # expired: a second process takes it
    monkeypatch.setattr(version_mirror, "REDIS_LOCK_SECONDS", 30)
    current = mirror.acquire(wait=0)
    assert current is not None
    stale.release()  # must not free the second holder's lock
    assert mirror.acquire(wait=0) is None
    current.release()
    assert mirror.acquire(wait=0) is not None
