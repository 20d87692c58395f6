"""Keeping the index in step with the ORM, in the writer's own transaction.

Three session events of every territory session (``TenantSession``), for each flush:

1. ``before_flush``: for objects about to be deleted that other sources depend on, ask
   the dependency which documents they change now, while the rows that the database's
   ``ON DELETE CASCADE`` will remove are still there;
2. ``after_flush``: note what the flush changed: new objects of an indexed model,
   changed ones whose declared ``fields`` changed, deleted ones, and the documents that
   dependencies name;
3. ``after_flush_postexec``: the flushed objects are now persistent; load the noted
   objects of each kind in one query (the source's ``load``), ask the source for each
   one's document, and write: one upsert and one delete per kind.

The writes run on the flush's own connection and transaction: a rollback takes them
back with the rest, and a failure fails the flush. Statements that bypass the unit of
work (``session.execute(update(...))``, bulk inserts through SQLAlchemy core) are not
seen: call :func:`refresh` for what they changed, or ``ptcc search reindex``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import islice

import sqlalchemy as sa
from flask import current_app, has_app_context

from ptcc.db import TenantSession, utcnow
from ptcc.search.models import SearchDocument
from ptcc.search.sources import Sources, sources
from ptcc.search.text import MAX_INDEXED_CHARS, indexed_text
from ptcc.search.types import Document, SearchSource

#: Objects loaded per query when many documents are computed at once.
BATCH = 500
_BEFORE = "ptcc_search_deleted_targets"
_WORK = "ptcc_search_work"
TITLE_MAX = SearchDocument.__table__.c.title.type.length


def _sources() -> Sources | None:
    if not has_app_context() or "ptcc" not in current_app.extensions:
        return None
    found = sources()
    return found if (found.indexed or found.watched) else None


def _absent_kinds(known: Sources) -> frozenset[str]:
    """Kinds of plugins whose tables this territory lacks (enabled or not, not migrated):
    their documents cannot be read, and their dependencies' queries would fail."""
    manager = current_app.extensions["ptcc"].plugins
    owners = {owner for owner in known.owners.values() if not manager.infos[owner].core}
    if not owners:
        return frozenset()
    missing = manager.unmigrated_names(owners)
    return frozenset(kind for kind, owner in known.owners.items() if owner in missing)


def primary_key(source: SearchSource):
    return sa.inspect(source.model).primary_key[0]


def _identity(obj):
    return sa.inspect(type(obj)).primary_key_from_instance(obj)[0]


def _changed(session, obj, fields) -> bool:
    if fields is None:
        return session.is_modified(obj)
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _target_ids(session, dependency, objects) -> set[int]:
    found = dependency.targets(objects)
    if found is None:
        return set()
    if isinstance(found, sa.sql.Select):
        found = session.execute(found).scalars()
    return {int(value) for value in found if value is not None}


@sa.event.listens_for(TenantSession, "before_flush")
def _note_deleted_targets(session, flush_context, _instances) -> None:
    if not session.deleted:
        return
    known = _sources()
    if known is None:
        return
    by_dependency = defaultdict(list)
    absent = None
    for obj in session.deleted:
        if known.concerns(type(obj)):
            for source, dependency in known.watching(type(obj)):
                absent = _absent_kinds(known) if absent is None else absent
                if source.kind not in absent:
                    by_dependency[(source.kind, id(dependency))].append((source, dependency, obj))
    if not by_dependency:
        return
    targets = flush_context.attributes.setdefault(_BEFORE, set())
    for entries in by_dependency.values():
        source, dependency = entries[0][0], entries[0][1]
        targets.update((source.kind, i) for i in _target_ids(session, dependency, [e[2] for e in entries]))


@sa.event.listens_for(TenantSession, "after_flush")
def _note_changes(session, flush_context) -> None:
    known = _sources()
    if known is None:
        return
    keys: set[tuple[str, int]] = set(flush_context.attributes.pop(_BEFORE, ()))
    watched = {}  # (kind, id(dependency)) -> (source, dependency, [objects])
    absent = []

    def note(obj, deleted: bool, new: bool = False) -> None:
        if not known.concerns(type(obj)):
            return
        if not absent:
            absent.append(_absent_kinds(known))
        for source in known.indexing(type(obj)):
            if source.kind not in absent[0] and (deleted or new or _changed(session, obj, source.fields)):
                keys.add((source.kind, _identity(obj)))
        if deleted:  # asked before the flush
            return
        for source, dependency in known.watching(type(obj)):
            if source.kind not in absent[0] and (new or _changed(session, obj, dependency.fields)):
                watched.setdefault((source.kind, id(dependency)), (source, dependency, []))[2].append(obj)

    for obj in session.new:
        note(obj, deleted=False, new=True)
    for obj in session.dirty:
        note(obj, deleted=False)
    # Deletions as the flush made them: explicit ones, cascades and orphans alike.
    for state, (is_delete, _list_only) in flush_context.states.items():
        if is_delete and state.obj() is not None:
            note(state.obj(), deleted=True)
    for source, dependency, objects in watched.values():
        keys.update((source.kind, i) for i in _target_ids(session, dependency, objects))
    if keys:
        flush_context.attributes[_WORK] = keys


@sa.event.listens_for(TenantSession, "after_flush_postexec")
def _write_documents(session, flush_context) -> None:
    keys = flush_context.attributes.pop(_WORK, None)
    if not keys:
        return
    known = sources()
    by_kind = defaultdict(set)
    for kind, object_id in keys:
        by_kind[kind].add(object_id)
    for kind, ids in by_kind.items():
        refresh_source(session, known.by_kind[kind], ids)


# --- writing documents ------------------------------------------------------------------


@dataclass
class Written:
    indexed: int = 0
    removed: int = 0
    #: Objects whose source answered None (not to be found); their documents count in ``removed``.
    hidden: int = 0


def load_objects(session, source: SearchSource, ids) -> list:
    """The source's objects with these ids, with what their documents read, in one query."""
    statement = source.load() if source.load is not None else sa.select(source.model)
    return list(session.scalars(statement.where(primary_key(source).in_(sorted(ids)))).unique())


def refresh_source(session, source: SearchSource, ids, written: Written | None = None) -> Written:
    """Compute and write the documents of these objects of one source (batches of ``BATCH``);
    ids whose object no longer exists, or whose source answers None, lose their document."""
    written = written or Written()
    iterator = iter(sorted(set(ids)))
    while chunk := list(islice(iterator, BATCH)):
        rows, gone = [], set(chunk)
        for obj in load_objects(session, source, chunk):
            object_id = _identity(obj)
            document = source.document(obj)
            if document is None:
                written.hidden += 1
                continue
            gone.discard(object_id)
            rows.append(_row(source.kind, object_id, document))
        written.indexed += upsert(session, rows)
        written.removed += remove(session, source.kind, gone)
    return written


def _row(kind: str, object_id: int, document: Document) -> dict:
    if not isinstance(document, Document):
        raise TypeError(f"search kind {kind!r}: document() must return a Document or None, not {document!r}")
    title = document.title or ""
    return {"kind": kind, "object_id": object_id, "language": (document.language or "")[:10],
            "title": title[:TITLE_MAX], "body": (document.body or "")[:MAX_INDEXED_CHARS],
            "title_terms": indexed_text(title), "body_terms": indexed_text(document.body),
            "public": bool(document.public), "updated_at": utcnow()}


def upsert(session, rows: list[dict]) -> int:
    """Insert or replace documents by (kind, object_id); an unchanged document is not rewritten."""
    if not rows:
        return 0
    table = SearchDocument.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - PTCC runs on these two
        raise NotImplementedError(dialect)
    statement = insert(table)
    data = ("language", "title", "body", "title_terms", "body_terms", "public")
    changed = sa.or_(*(table.c[name] != statement.excluded[name] for name in data))
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.object_id],
        set_={name: statement.excluded[name] for name in (*data, "updated_at")},
        where=changed)
    session.execute(statement, rows)
    return len(rows)


def remove(session, kind: str, ids) -> int:
    ids = sorted(ids)
    removed = 0
    for start in range(0, len(ids), BATCH):
        result = session.execute(sa.delete(SearchDocument).where(SearchDocument.kind == kind,
                                                                 SearchDocument.object_id.in_(ids[start:start + BATCH]))
                                 .execution_options(synchronize_session=False))
        removed += result.rowcount or 0
    return removed


def refresh(kind: str, ids, session=None) -> Written:
    """Index again these objects of ``kind`` in the current territory, after writes that
    bypassed the ORM's unit of work (bulk statements). Flush, then call it; commit as usual."""
    from ptcc.extensions import db

    session = session or db.session
    return refresh_source(session, sources().by_kind[kind], ids)

