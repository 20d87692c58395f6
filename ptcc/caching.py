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

Values are kept in the process (a bounded LRU), or in Redis when ``PTCC_REDIS_URL`` is
set, so that workers share them. Only plain data goes in: never ORM objects, which
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
from flask import current_app, g, has_app_context

from ptcc.db import TenantSession
from ptcc.extensions import db
from ptcc.tenancy import current_tenant

log = logging.getLogger(__name__)

#: Entries kept per process (all territories together) when there is no Redis.
LOCAL_ENTRIES = 4096
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


def bump_data_version(connection) -> None:
    """Give the territory a new data version; writers that bypass the ORM session (bulk
    imports through SQLAlchemy core) call it on their connection before committing."""
    DataVersion = _data_version_table()
    version = secrets.randbits(62)
    bumped = connection.execute(sa.update(DataVersion).where(DataVersion.id == 1).values(version=version),
                                execution_options=_BUMP)
    if bumped.rowcount == 0:  # emptied, or made by create_all rather than the migrations
        connection.execute(sa.insert(DataVersion).values(id=1, version=version), execution_options=_BUMP)
    if has_app_context():
        g.pop("ptcc_data_version", None)


@sa.event.listens_for(TenantSession, "after_rollback")
def _forget_changes(session) -> None:
    session.info.pop("ptcc_data_changed", None)


def data_version() -> int | None:
    """The current territory's data version, read once per request (or tenant_context)."""
    if "ptcc_data_version" not in g:
        DataVersion = _data_version_table()
        g.ptcc_data_version = db.session.scalar(sa.select(DataVersion.version).where(DataVersion.id == 1))
    return g.ptcc_data_version


class LocalStore:
    def __init__(self, size: int = LOCAL_ENTRIES):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def set(self, key, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


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


def redis_errors():
    import redis

    return (redis.exceptions.RedisError, OSError)


def store():
    found = current_app.extensions.get("ptcc_cache")
    if found is None:
        url = current_app.config.get("PTCC_REDIS_URL")
        prefix = current_app.config.get("PTCC_CACHE_PREFIX", "ptcc:cache:")
        found = RedisStore(url, prefix) if url else LocalStore()
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
