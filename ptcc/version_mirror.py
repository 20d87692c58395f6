"""A territory's data version, mirrored where reading it costs no database connection.

``ptcc.caching.data_version()`` is read at every request: it keys the kept pages and the
cached values. Read from the database, it needs a connection; with more territories than
connections kept open, that is a new connection at nearly every request, which costs more
than serving a kept page (SQLite: opening the file, its WAL, parsing the schema, about
1.5 ms against 2; PostgreSQL: a new server process, 12 to 17 ms). Two mirrors:

- **a file beside a SQLite database** (``lyon.db`` has ``lyon.db-version``): a SQLite file is
  only ever served from the machine that holds it, so every process that can write it sees
  the mirror;
- **a Redis key** when ``PTCC_REDIS_URL`` is set, for a database on a server, which other
  machines may write: they share the Redis.

Without either (PostgreSQL and no Redis) the row is read, as before.

The mirror is never behind the database while it exists, because of how it is written:

- only under the territory's lock (an ``flock`` on ``lyon.db-version.lock``; a Redis key set
  if absent, with an expiry in case its holder dies);
- a transaction that gives the territory a new version (``bump_data_version``, in the ORM
  session's ``before_commit`` or by hand on a Core connection) takes the lock, removes the
  mirror, and keeps the lock until its connection is back in the pool, after its commit or
  rollback;
- a request that only reads and finds no mirror takes the lock and reads the version from
  the database, in a snapshot taken then (its session's first read), and writes what it read.
  It cannot read a version older than the last commit: a commit of a new version happens
  under the lock. A request that writes reads the row and leaves the mirror alone: its first
  read may wait for another writer's database lock, and that writer needs the mirror's lock;
- a mirror that cannot be written is removed, and the database is read.

As a last resort a mirror older than ``TRUST_SECONDS`` is read again from the database, so
that a change made by a tool outside PTCC (or under a Redis lock that expired) is seen within
five minutes, as long as a kept page may lag behind the clock (``PTCC_PAGE_CACHE_SECONDS``).
Not less: each reading again costs a connection, and at one minute a platform of 1,000
territories behind PgBouncer spent a fifth of its time opening server connections for them.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import secrets
import threading
import time
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds a mirror is trusted before the database is read again (the last resort above).
TRUST_SECONDS = 300
#: Seconds a process waits for a territory's lock before going on without the mirror.
LOCK_WAIT_SECONDS = 10
#: Seconds a Redis lock lives if its holder never lets go (a process killed mid-commit).
REDIS_LOCK_SECONDS = 30
FILE_SUFFIX = "-version"


#: Where a connection keeps its territory's mirror lock, from its bump to its check-in.
CONNECTION_KEY = "ptcc_version_mirror_lock"


def hold_for_connection(mirror, connection_info: dict) -> None:
    """For a transaction that bumps the version: the mirror removed, under its lock, until
    the connection is back in its pool (``release_for_connection``, at check-in)."""
    if CONNECTION_KEY in connection_info:  # a second bump in the same transaction
        return
    held = mirror.acquire()
    if held is None:
        mirror.remove()
        return
    held.remove()
    connection_info[CONNECTION_KEY] = held


def release_for_connection(connection_info: dict) -> None:
    """At check-in (the commit or rollback is over): the next reader writes the mirror."""
    held = connection_info.pop(CONNECTION_KEY, None)
    if held is not None:
        held.release()


@contextmanager
def locked(mirror):
    """The mirror's lock for a block: the ``Held`` lock, or None when it cannot be had."""
    held = mirror.acquire()
    try:
        yield held
    finally:
        if held is not None:
            held.release()


# --- beside a SQLite file ---------------------------------------------------------------


class FileMirror:
    def __init__(self, database: str | Path):
        self.path = Path(f"{database}{FILE_SUFFIX}")

    def __repr__(self) -> str:
        return f"FileMirror({self.path})"

    def read(self) -> int | None:
        """The mirrored version, or None when there is none to trust."""
        try:
            with open(self.path, "rb") as mirror:
                written = os.fstat(mirror.fileno()).st_mtime
                raw = mirror.read(32)
        except OSError:
            return None
        if time.time() - written > TRUST_SECONDS:
            return None
        try:
            return int(raw)
        except ValueError:  # half a file can only come from a tool, never from write()
            return None

    def acquire(self, wait: float | None = None) -> HeldFile | None:
        """The territory's lock, or None when it cannot be had in ``wait`` seconds (a
        process stuck while holding it) or the folder refuses a lock file."""
        wait = LOCK_WAIT_SECONDS if wait is None else wait
        try:
            descriptor = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            log.warning("data version lock %s.lock unavailable: %s", self.path, exc)
            return None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return HeldFile(self, descriptor)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    log.warning("data version lock %s.lock not obtained: %s", self.path, exc)
                    os.close(descriptor)
                    return None
                time.sleep(0.002)

    def remove(self) -> None:
        _unlink(self.path)


class HeldFile:
    """The lock of one territory's file mirror, held by this process."""

    def __init__(self, mirror: FileMirror, descriptor: int):
        self.mirror, self._descriptor = mirror, descriptor

    def write(self, version: int) -> None:
        """Replace the mirror with ``version`` (atomically); on failure, no mirror."""
        path = self.mirror.path
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            temporary.write_bytes(str(version).encode())
            os.replace(temporary, path)
        except OSError as exc:
            log.warning("data version mirror %s not written: %s", path, exc)
            _unlink(temporary)
            _unlink(path)

    def remove(self) -> None:
        self.mirror.remove()

    def release(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)  # closing the descriptor lets go of the flock
            self._descriptor = -1

    __del__ = release  # a lock forgotten with its holder must not outlive it


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("data version mirror %s not removed: %s", path, exc)


# --- in Redis ---------------------------------------------------------------------------

#: Deletes the lock only if it is still the caller's (it may have expired and been taken).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisMirror:
    """``<prefix>version:<territory>`` holds the version, ``…:lock`` the lock. Every Redis
    failure reads as "no mirror": the database answers, as without Redis."""

    def __init__(self, client, key: str):
        self.client, self.key, self.lock_key = client, key, f"{key}:lock"

    def __repr__(self) -> str:
        return f"RedisMirror({self.key})"

    def read(self) -> int | None:
        try:
            raw = self.client.get(self.key)
        except _redis_errors() as exc:
            log.warning("data version mirror %s unavailable: %s", self.key, exc)
            return None
        try:
            return None if raw is None else int(raw)
        except ValueError:
            return None

    def acquire(self, wait: float | None = None) -> HeldRedis | None:
        wait = LOCK_WAIT_SECONDS if wait is None else wait
        token = secrets.token_hex(8)
        deadline = time.monotonic() + wait
        try:
            while not self.client.set(self.lock_key, token, nx=True, px=int(REDIS_LOCK_SECONDS * 1000)):
                if time.monotonic() >= deadline:
                    log.warning("data version lock %s not obtained in %s s", self.lock_key, wait)
                    return None
                time.sleep(0.002)
        except _redis_errors() as exc:
            log.warning("data version lock %s unavailable: %s", self.lock_key, exc)
            return None
        return HeldRedis(self, token)

    def remove(self) -> None:
        try:
            self.client.delete(self.key)
        except _redis_errors() as exc:
            log.warning("data version mirror %s not removed: %s", self.key, exc)


class HeldRedis:
    def __init__(self, mirror: RedisMirror, token: str):
        self.mirror, self.token = mirror, token

    def write(self, version: int) -> None:
        try:
            # The expiry is the trust: a mirror older than that is read again from the database.
            self.mirror.client.set(self.mirror.key, str(version), ex=TRUST_SECONDS)
        except _redis_errors() as exc:
            log.warning("data version mirror %s not written: %s", self.mirror.key, exc)
            self.mirror.remove()

    def remove(self) -> None:
        self.mirror.remove()

    def release(self) -> None:
        if self.token is None:
            return
        token, self.token = self.token, None
        try:
            self.mirror.client.eval(_RELEASE, 1, self.mirror.lock_key, token)
        except _redis_errors() as exc:  # it expires by itself
            log.warning("data version lock %s not released: %s", self.mirror.lock_key, exc)


def _redis_errors():
    import redis

    return (redis.exceptions.RedisError, OSError)
