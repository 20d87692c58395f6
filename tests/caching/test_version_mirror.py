"""A territory's data version mirrored beside its SQLite database, or in Redis
(ptcc.version_mirror): a kept page needs no connection, and the mirror is never behind the
database."""

from __future__ import annotations

import dataclasses
import os
import threading
import time

import pytest
import sqlalchemy as sa

from ptcc import version_mirror
from ptcc.caching import bump_data_version, data_version
from ptcc.extensions import db
from tests.caching.helpers import add_organisation, every_write_is_seen_while_another_reads, organisations_shown


@pytest.fixture
def mirror(app, territories, ptcc_backend):
    """The file mirror of alpha (SQLite): its path."""
    if ptcc_backend != "sqlite":
        pytest.skip("a file beside a SQLite database")
    return app.extensions["ptcc"].engines.version_mirror(territories["alpha"]).path


def _database_version(app) -> int:
    from ptcc.tenancy.models import DataVersion

    engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get("alpha"))
    with engine.connect() as conn:
        return conn.execute(sa.select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()


def version_file_mirror(app):
    return app.extensions["ptcc"].engines.version_mirror(app.extensions["ptcc"].registry.get("alpha"))


def _mirrored(path) -> int | None:
    return int(path.read_text()) if path.exists() else None


def test_a_kept_page_needs_no_connection(app, alpha, mirror):
    add_organisation(app)
    assert alpha.get("/organisations/").headers["PTCC-Page-Cache"] == "stored"
    assert _mirrored(mirror) == _database_version(app)
    seen = []

    def note(*args):
        seen.append(args)

    sa.event.listen(sa.pool.Pool, "checkout", note)
    try:
        response = alpha.get("/organisations/")
    finally:
        sa.event.remove(sa.pool.Pool, "checkout", note)
    assert response.headers["PTCC-Page-Cache"] == "hit"
    assert seen == []


def test_a_write_withdraws_the_mirror_until_its_commit_is_over(app, alpha, mirror, in_territory):
    from ptcc.organisations.models import Organisation

    add_organisation(app)
    assert organisations_shown(alpha) == 1
    before = _mirrored(mirror)
    with in_territory("alpha"):
        db.session.scalar(sa.select(Organisation)).commune = "Vaulx-en-Velin"
        db.session.flush()
        bump_data_version(db.session)  # what before_commit does
        assert not mirror.exists()
        # Nobody else may write the mirror meanwhile: the lock is this transaction's.
        assert version_file_mirror(app).acquire(wait=0) is None
        db.session.commit()
    held = version_file_mirror(app).acquire(wait=0)  # let go with the connection, at check-in
    assert held is not None
    held.release()
    assert organisations_shown(alpha) == 1
    assert _mirrored(mirror) == _database_version(app) != before


def test_a_failed_commit_lets_go_of_the_lock(app, alpha, mirror, in_territory):
    from ptcc.organisations.models import Organisation, OrganisationKind, OrganisationStatus

    add_organisation(app)
    with in_territory("alpha"):
        taken = db.session.scalar(sa.select(Organisation.slug))
        db.session.add(Organisation(slug=taken, name="Twice", commune="Lyon", kind=OrganisationKind.ASSOCIATION,
                                    status=OrganisationStatus.APPROVED))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
    held = version_file_mirror(app).acquire(wait=0)
    assert held is not None
    held.release()
    assert organisations_shown(alpha) == 1
    assert _mirrored(mirror) == _database_version(app)


@pytest.mark.parametrize("spoil", ["corrupt", "old", "missing"])
def test_a_mirror_not_to_be_trusted_is_read_again(app, alpha, mirror, spoil):
    add_organisation(app)
    assert organisations_shown(alpha) == 1
    if spoil == "corrupt":
        mirror.write_text("12")  # a tool's half write: a number, not the version
        os.utime(mirror, (time.time() - version_mirror.TRUST_SECONDS - 1,) * 2)
    elif spoil == "old":
        os.utime(mirror, (time.time() - version_mirror.TRUST_SECONDS - 1,) * 2)
    else:
        mirror.unlink()
    # Written behind PTCC's back, bumped by hand: only the database knows.
    engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get("alpha"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE organisations SET name = 'Renommée'"))
        conn.execute(sa.text("UPDATE data_version SET version = 4242 WHERE id = 1"))
    assert "Renommée" in alpha.get("/organisations/").get_data(as_text=True)
    assert _mirrored(mirror) == 4242
    assert time.time() - mirror.stat().st_mtime < version_mirror.TRUST_SECONDS


def test_a_mirror_that_cannot_be_written_leaves_the_database_in_charge(app, alpha, mirror, monkeypatch, caplog):
    add_organisation(app)
    mirror.unlink(missing_ok=True)

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(version_mirror.os, "replace", refuse)
    with caplog.at_level("WARNING", logger="ptcc.version_mirror"):
        assert organisations_shown(alpha) == 1
        add_organisation(app)
        assert organisations_shown(alpha) == 2
    assert not mirror.exists()
    assert not [name for name in os.listdir(mirror.parent) if name.startswith(f".{mirror.name}")]
    assert any("not written" in record.getMessage() for record in caplog.records)


def test_a_reader_that_cannot_have_the_lock_reads_the_database(app, alpha, mirror, monkeypatch):
    add_organisation(app)
    assert organisations_shown(alpha) == 1
    mirror.unlink()
    monkeypatch.setattr(version_mirror, "LOCK_WAIT_SECONDS", 0.05)
    held = version_file_mirror(app).acquire()  # a writer stuck in its commit
    try:
        add_organisation(app)  # … cannot have it either: it withdraws nothing, commits anyway
        assert organisations_shown(alpha) == 2
        assert not mirror.exists()  # no reader wrote it without the lock
    finally:
        held.release()
    assert organisations_shown(alpha) == 2
    assert _mirrored(mirror) == _database_version(app)


def test_a_reader_inside_a_transaction_never_writes_the_mirror(app, mirror, in_territory):
    add_organisation(app)
    mirror.unlink(missing_ok=True)
    with in_territory("alpha"):
        db.session.execute(sa.text("SELECT 1"))  # a snapshot from before any later commit
        assert data_version() == _database_version(app)
    assert not mirror.exists()


def test_migrating_withdraws_the_mirror(app, alpha, mirror, territories):
    from ptcc import migrate

    add_organisation(app)
    assert organisations_shown(alpha) == 1
    with app.app_context():
        migrate.upgrade(territories["alpha"])  # up to date: env.py still gives a new version
    assert not mirror.exists()
    assert organisations_shown(alpha) == 1
    assert _mirrored(mirror) == _database_version(app)


def test_a_new_or_dropped_database_has_no_mirror(app, territories, mirror):
    engines = app.extensions["ptcc"].engines
    gamma = dataclasses.replace(territories["alpha"], slug="gamma-version-file")
    path = engines.version_mirror(gamma).path
    path.write_text("7")  # left by a territory of the same name, deleted since
    assert engines.ensure_database(gamma)
    assert not path.exists()
    path.write_text("7")
    engines.drop_database(gamma)
    assert not path.exists()


def test_another_process_sees_every_write_at_its_next_request(app, other_process, mirror):
    """Writes in one process and reads in another, at once and many times: the mirror is
    never behind."""
    add_organisation(app)
    every_write_is_seen_while_another_reads(app, other_process, writes=12)


def test_a_request_that_writes_never_waits_for_a_writer_while_holding_the_mirror(app, mirror, in_territory):
    """A write request's first read waits for the database lock of another writer; that writer
    needs the mirror's lock to commit. Holding it meanwhile would stall both for the lock's
    whole wait: the write request reads the row without taking it."""
    import sqlite3

    add_organisation(app)
    mirror.unlink(missing_ok=True)
    writer = sqlite3.connect(str(mirror)[: -len(version_mirror.FILE_SUFFIX)], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process, in the middle of its transaction
    read, failures = [], []

    def post_request():
        try:
            with app.test_request_context("/", method="POST", base_url="http://alpha.test"), in_territory("alpha"):
                read.append(data_version())
                db.session.rollback()
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)

    thread = threading.Thread(target=post_request)
    thread.start()
    try:
        time.sleep(0.3)  # the request is now waiting for the writer's lock
        held = version_file_mirror(app).acquire(wait=1)  # what the writer's commit needs
        assert held is not None
        held.release()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        thread.join(timeout=30)
    assert failures == [] and read == [_database_version(app)]
    assert not mirror.exists()  # left for a reader, which takes no database lock
