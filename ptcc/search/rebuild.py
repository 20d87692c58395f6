"""Rebuilding a territory's index from every source: ``ptcc search reindex`` and the
core revision that created the index (which fills it for the data already there)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import sqlalchemy as sa

from ptcc.search.maintenance import BATCH, Written, primary_key, refresh_source
from ptcc.search.models import SearchDocument
from ptcc.search.schema import rebuild_fulltext
from ptcc.search.sources import Sources, sources

log = logging.getLogger("alembic.runtime.migration")


@dataclass
class KindReport:
    kind: str
    indexed: int = 0
    removed: int = 0
    #: The source's table is missing in this territory (its plugin is not migrated here).
    skipped: bool = False


@dataclass
class RebuildReport:
    kinds: list[KindReport] = field(default_factory=list)
    #: Documents of kinds that no installed plugin declares any more.
    unknown_removed: int = 0
    seconds: float = 0.0

    @property
    def indexed(self) -> int:
        return sum(k.indexed for k in self.kinds)

    @property
    def removed(self) -> int:
        return sum(k.removed for k in self.kinds) + self.unknown_removed

    def summary(self) -> str:
        parts = [f"{k.kind} not migrated" if k.skipped else f"{k.kind} {k.indexed}" for k in self.kinds]
        return (f"{self.indexed} documents ({', '.join(parts) or 'no source'}), {self.removed} removed "
                f"in {self.seconds:.1f} s")


def rebuild(session, known: Sources | None = None, progress: Callable[[str, int, int], None] | None = None,
            release: bool = True, kinds: Iterable[str] | None = None) -> RebuildReport:
    """Make the territory's index exactly what the sources say, in the session's transaction.

    Every object of every source (of ``kinds`` only, when given) is loaded by batches of
    ``BATCH`` (the source's ``load``: a constant number of queries per batch) and its document
    written; documents of objects that are gone or hidden are removed, and without ``kinds``
    those of kinds nobody declares. ``progress(kind, done, total)`` is called after each
    batch. With ``release``, each batch's objects leave the session (a fresh session holding
    nothing else: the command's, the migration's).
    """
    started = time.monotonic()
    known = known or sources()
    connection = session.connection()
    inspector = sa.inspect(connection)
    report = RebuildReport()
    documents = SearchDocument.__table__
    selected = known.by_kind if kinds is None else {kind: known.by_kind[kind] for kind in kinds}
    for kind, source in selected.items():
        entry = KindReport(kind)
        report.kinds.append(entry)
        if not inspector.has_table(source.model.__table__.name):
            entry.skipped = True
            continue
        ids = list(session.scalars(sa.select(primary_key(source)).order_by(primary_key(source))))
        written = Written()
        for start in range(0, len(ids), BATCH):
            refresh_source(session, source, ids[start:start + BATCH], written)
            if release:
                session.expunge_all()
            if progress:
                progress(kind, min(start + BATCH, len(ids)), len(ids))
        entry.indexed = written.indexed
        entry.removed = written.removed
        # Documents whose object is gone (removed by a statement that bypassed the ORM).
        stale = session.execute(
            sa.delete(documents).where(documents.c.kind == kind,
                                       documents.c.object_id.not_in(sa.select(primary_key(source))))
        )
        entry.removed += stale.rowcount or 0
    if kinds is None:
        unknown = session.execute(sa.delete(documents).where(documents.c.kind.not_in(list(known.by_kind))))
        report.unknown_removed = unknown.rowcount or 0
    rebuild_fulltext(connection)
    report.seconds = time.monotonic() - started
    return report


#: Key of ``connection.info``: the kinds a revision could not index (None: all of them).
FILL_LEFT = "ptcc_search_fill_left"


def fill_left_for_the_end(connection) -> RebuildReport | None:
    """After the last revision of an upgrade (``migrations/env.py``): fill what a revision could
    not, now that the schema is the models' own. A failure now is a warning."""
    left = connection.info.pop(FILL_LEFT, None)
    if not left:
        return None
    report = fill_from_migration(connection, None if None in left else sorted(left))
    if connection.info.pop(FILL_LEFT, None):
        log.warning("search index not filled: run `ptcc search reindex` after the upgrade")
    return report


def fill_from_migration(connection, kinds: Iterable[str] | None = None) -> RebuildReport | None:
    """Fill the index from an Alembic revision (``op.get_bind()``): the core's revision that
    creates the index, or a plugin's revision that adds a source (``kinds=[...]``).

    Runs in a savepoint of the upgrade's transaction, with a session that leaves that
    transaction alone. When it fails (a later revision of the same upgrade changes an indexed
    table, say), the savepoint is rolled back, a warning says to run ``ptcc search reindex``
    after the upgrade, and None is returned: the upgrade goes on.
    """
    from sqlalchemy.orm import Session

    try:
        known = sources()
    except Exception as exc:  # no application around the migration: nothing declares sources
        log.warning("search index not filled (%s): run `ptcc search reindex` after the upgrade", exc)
        return None
    savepoint = connection.begin_nested()
    session = Session(bind=connection, join_transaction_mode="rollback_only")
    try:
        report = rebuild(session, known, kinds=kinds)
        session.flush()
    except Exception as exc:
        session.close()
        savepoint.rollback()
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        left = connection.info.setdefault(FILL_LEFT, set())
        if kinds is None or None in left:
            left.clear()
            left.add(None)  # every kind
        else:
            left.update(kinds)
        log.info("search index not filled yet (%s: %s): tried again after the last revision",
                 type(exc).__name__, first_line)
        return None
    session.close()
    savepoint.commit()
    if report.indexed:
        log.info("search index: %s", report.summary())
    return report
