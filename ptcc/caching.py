"""Derived data cached per territory, invalidated by the writes that may change it.

Aggregates such as the directory's figures or a list's filter choices cost several
queries over every row, on pages that every visitor opens. They are computed once
per *data version*: a number in the territory's own database (``DataVersion``) that
every committed transaction writing through the ORM replaces, in the same transaction,
with a new random one (random rather than counted, so that a database restored or
emptied never meets its old numbers again). Each request reads it once (one
primary-key query); a value cached at another version is not used. Without the row
(a database being emptied by tests) nothing is cached. Every worker and host therefore sees a change at its
next request, with no message between processes and nothing to invalidate by hand.

Values are kept in the process (a bounded LRU), and also in Redis when ``PTCC_REDIS_URL``
is set, so that workers share them (``TieredStore``: each worker keeps a near copy, never
stale since the key holds the version). Only plain data goes in: never ORM objects, which
belong to one session.
"""

from __future__ import annotations

import logging
import pickle
import secrets
import threading
from collections import OrderedDict
from functools import wraps
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session
from flask import current_app, g, has_app_context

from ptcc import version_mirror
from ptcc.db import TenantSession
from ptcc.extensions import db
from ptcc.tenancy import current_tenant
from ptcc.tenancy.engines import takes_write_lock

log = logging.getLogger(__name__)

#: Bytes of values kept per process (all territories together) when there is no Redis.
LOCAL_BYTES = 8 * 1024 * 1024
#: Seconds a value lives in Redis; a newer data version makes it unused long before.
REDIS_TTL = 24 * 3600
_BUMP = {"ptcc_data_version_bump": True}


def _data_version_table():
    from ptcc.tenancy.models import DataVersion

    return DataVersion


def _untracked_types() -> tuple[type, ...]:
    # Queued e-mails change no page: the outbox worker's writes keep every cache valid.
    from ptcc.outbox.models import OutboxMessage

    return (OutboxMessage,)


@sa.event.listens_for(TenantSession, "after_flush")
def _note_flushed_changes(session, _flush_context) -> None:
    untracked = _untracked_types()
    if any(not isinstance(obj, untracked) for obj in chain(session.new, session.dirty, session.deleted)):
        session.info["ptcc_data_changed"] = True


@sa.event.listens_for(TenantSession, "do_orm_execute")
def _note_statement_changes(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.execution_options.get(
            "ptcc_data_version_bump"):
        state.session.info["ptcc_data_changed"] = True


@sa.event.listens_for(TenantSession, "before_commit")
def _bump_data_version(session) -> None:
    # The commit's own flush comes after this event: flush first, so that its changes count.
    session.flush()
    if not session.info.pop("ptcc_data_changed", False):
        return
    bump_data_version(session)


def bump_data_version(connection) -> int:
    """Give the territory a new data version, in the transaction of ``connection`` (a
    session or a Core connection: writers that bypass the ORM session, such as the
    migrations, call it before committing)."""
    DataVersion = _data_version_table()
    version = secrets.randbits(62)
    bumped = connection.execute(sa.update(DataVersion).where(DataVersion.id == 1).values(version=version),
                                execution_options=_BUMP)
    if bumped.rowcount == 0:  # emptied, or made by create_all rather than the migrations
        connection.execute(sa.insert(DataVersion).values(id=1, version=version), execution_options=_BUMP)
    if has_app_context():
        g.pop("ptcc_data_version", None)
    _withdraw_version_mirror(connection)
    return version


def _withdraw_version_mirror(connection) -> None:
    """ptcc.version_mirror: no mirror, under its lock, until this connection's transaction
    is over and the connection back in its pool."""
    if isinstance(connection, scoped_session):
        connection = connection()
    if isinstance(connection, Session):
        connection = connection.connection()
    # Set on every territory engine (ptcc.tenancy.engines); migrations run outside any
    # territory's context, so the engine says which mirror, not the current territory.
    mirror = getattr(connection.engine, "ptcc_version_mirror", None)
    if mirror is not None:
        version_mirror.hold_for_connection(mirror, connection.info)


@sa.event.listens_for(TenantSession, "after_rollback")
def _forget_changes(session) -> None:
    session.info.pop("ptcc_data_changed", None)


def data_version() -> int | None:
    """The current territory's data version, read once per request (or tenant_context):
    from its mirror (ptcc.version_mirror) when it has one, else from the database."""
    if "ptcc_data_version" not in g:
        g.ptcc_data_version = _read_data_version()
    return g.ptcc_data_version


def _read_data_version() -> int | None:
    from ptcc.tenancy import state

    tenant = current_tenant._get_current_object()
    if not state().engines.is_migrated(tenant):  # no table yet: the "run ptcc db upgrade" page
        return None
    mirror = state().engines.version_mirror(tenant)
    if mirror is None:
        return _version_in_database()
    found = mirror.read()
    if found is not None:
        return found
    if db.session().in_transaction() or takes_write_lock():
        # A snapshot taken earlier may be older than the last commit: not for the mirror. And
        # a request that writes would wait for a writer's database lock while holding the
        # mirror's, which that writer needs to commit: it reads the row; a reader writes it.
        return _version_in_database()
    with version_mirror.locked(mirror) as held:
        if held is None:
            return _version_in_database()
        found = mirror.read()  # written while this process waited
        if found is None:
            found = _version_in_database()  # the session's first read: a snapshot from now
            if found is not None:
                held.write(found)
        return found


def _version_in_database() -> int | None:
    DataVersion = _data_version_table()
    return db.session.scalar(sa.select(DataVersion.version).where(DataVersion.id == 1))


class LocalStore:
    """An LRU of values in this process, bounded by their size (pickled, as Redis would
    hold them): territories' values differ widely, a bound in entries would be either too
    small for a thousand territories or unbounded in memory."""

    def __init__(self, max_bytes: int = LOCAL_BYTES):
        self.max_bytes = max_bytes
        self.used = 0
        self._entries: OrderedDict = OrderedDict()  # key -> (value, size)
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def set(self, key, value) -> None:
        size = len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._entries[key] = (value, size)
            self.used += size
            while self.used > self.max_bytes:
                _key, (_value, evicted) = self._entries.popitem(last=False)
                self.used -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)


class RedisStore:
    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def _key(self, key) -> str:
        return self.prefix + "|".join(map(str, key))

    def get(self, key):
        try:
            raw = self.client.get(self._key(key))
        except redis_errors() as exc:  # a cache that cannot answer is a cache miss, not an error page
            log.warning("cache unavailable: %s", exc)
            return None
        return None if raw is None else pickle.loads(raw)

    def set(self, key, value) -> None:
        try:
            self.client.set(self._key(key), pickle.dumps(value), ex=REDIS_TTL)
        except redis_errors() as exc:
            log.warning("cache unavailable: %s", exc)


class TieredStore:
    """A store in this process in front of a shared one (Redis), for values whose key holds
    the data version: such a value never changes under its key, so a copy kept near is never
    stale. A worker asks Redis once per key instead of at every request; a value one worker
    made reaches the others through Redis."""

    def __init__(self, near, far):
        self.near = near
        self.far = far

    def get(self, key):
        found = self.near.get(key)
        if found is None:
            found = self.far.get(key)
            if found is not None:
                self.near.set(key, found)
        return found

    def set(self, key, value) -> None:
        self.near.set(key, value)
        self.far.set(key, value)

    def clear(self) -> None:
        for level in (self.near, self.far):
            if hasattr(level, "clear"):
                level.clear()


def redis_errors():
    import redis

    return (redis.exceptions.RedisError, OSError)


def store():
    found = current_app.extensions.get("ptcc_cache")
    if found is None:
        url = current_app.config.get("PTCC_REDIS_URL")
        prefix = current_app.config.get("PTCC_CACHE_PREFIX", "ptcc:cache:")
        local = LocalStore(int(current_app.config.get("PTCC_CACHE_MB", 8) * 1024 * 1024))
        found = TieredStore(local, RedisStore(url, prefix)) if url else local
        current_app.extensions["ptcc_cache"] = found
    return found


def cached_per_territory(name: str):
    """Decorate a function of plain-data arguments returning plain data: its result is kept
    per territory and data version (and arguments)."""

    def decorate(function):
        @wraps(function)
        def wrapper(*args):
            version = data_version()
            if version is None:
                return function(*args)
            key = (current_tenant.slug, name, args, version)
            found = store().get(key)
            if found is None:
                found = (function(*args),)  # a tuple, so that a None result is cached too
                store().set(key, found)
            return found[0]

        wrapper.uncached = function
        return wrapper

    return decorate
