"""A SQLite territory's data version, mirrored in a file beside its database.

``ptcc.caching.data_version()`` is read at every request: it keys the kept pages and the
cached values. Read from the database, it needs a connection, and a connection to a SQLite
file that is not already open costs more than serving a kept page (opening the file, the
WAL, parsing the schema: about 1.5 ms against 2). With more territories than the engine
cache holds, nearly every request would pay it. A SQLite database is only ever served from
the machine that holds its file, so the machine's file system is a place every process that
can write the database also sees: ``lyon.db`` has ``lyon.db-version`` beside it, holding the
version as text, and a kept page is served without opening the database at all.

The mirror is never behind the database while it exists, because of how it is written:

- only under the territory's lock file (``lyon.db-version.lock``, an ``flock``);
- a transaction that gives the territory a new version (``bump_data_version``, in the ORM
  session's ``before_commit`` or by hand on a Core connection) takes the lock, removes the
  mirror, and keeps the lock until its connection is back in the pool, after its commit or
  rollback;
- a request that finds no mirror takes the lock and reads the version from the database, in
  a snapshot taken then (its session's first read), and writes what it read. It cannot read
  a version older than the last commit: a commit of a new version happens under the lock;
- a mirror that cannot be written is removed, and the database is read, as on PostgreSQL.

As a last resort a mirror older than ``TRUST_SECONDS`` is read again from the database, so
that a change made by a tool outside PTCC is seen within a minute.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds a mirror is trusted before the database is read again (the last resort above).
TRUST_SECONDS = 60
#: Seconds a process waits for a territory's lock before going on without the mirror.
LOCK_WAIT_SECONDS = 10
SUFFIX = "-version"


def path_for(database: str | Path) -> Path:
    return Path(f"{database}{SUFFIX}")


def read(path: Path) -> int | None:
    """The mirrored version, or None when there is none to trust."""
    try:
        with open(path, "rb") as mirror:
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


class Held:
    """The lock of one territory's mirror, held by this process."""

    def __init__(self, path: Path, descriptor: int):
        self.path, self._descriptor = path, descriptor

    def write(self, version: int) -> None:
        """Replace the mirror with ``version`` (atomically); on failure, no mirror."""
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            temporary.write_bytes(str(version).encode())
            os.replace(temporary, self.path)
        except OSError as exc:
            log.warning("data version mirror %s not written: %s", self.path, exc)
            remove(temporary)
            remove(self.path)

    def remove(self) -> None:
        remove(self.path)

    def release(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)  # closing the descriptor lets go of the flock
            self._descriptor = -1

    __del__ = release  # a lock forgotten with its holder must not outlive it


def acquire(path: Path, wait: float = LOCK_WAIT_SECONDS) -> Held | None:
    """The territory's lock, or None when it cannot be had in ``wait`` seconds (a process
    stuck while holding it) or the folder refuses a lock file."""
    try:
        descriptor = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        log.warning("data version lock %s.lock unavailable: %s", path, exc)
        return None
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return Held(path, descriptor)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                log.warning("data version lock %s.lock not obtained: %s", path, exc)
                os.close(descriptor)
                return None
            time.sleep(0.002)


@contextmanager
def locked(path: Path):
    held = acquire(path)
    try:
        yield held
    finally:
        if held is not None:
            held.release()


def remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("data version mirror %s not removed: %s", path, exc)
