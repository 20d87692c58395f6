"""The backend's full-text part of the index, which the models do not describe.

- SQLite: ``search_documents_fts``, an FTS5 table whose content is ``search_documents``
  (``content=``, rowid = ``search_documents.id``), tokenizer ``unicode61
  remove_diacritics 2``, prefix indexes of 2 and 3 characters. Three triggers keep it in
  step with every insert, update and delete of ``search_documents``, whoever writes.
- PostgreSQL: ``search_documents.search_vector``, a stored generated ``tsvector``
  (``simple`` configuration; the title weighs A, the body B) and its GIN index.

Both read the folded words (``title_terms``, ``body_terms``) that ``ptcc.search.text``
wrote, so the backends index the same words. The core's Alembic revision creates the
same objects as ``create_fulltext`` (a revision never imports code that may change).

Alembic's autogenerate does not know these objects: without ``_leave_fulltext_alone``,
``ptcc db check`` would report them as drift and ``ptcc db revision`` would drop them.
"""

from __future__ import annotations

FTS_TABLE = "search_documents_fts"
#: FTS5's shadow tables of FTS_TABLE.
FTS_SHADOW_TABLES = tuple(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content"))
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
TEXT_SEARCH_CONFIG = "simple"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title_terms, body_terms, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); "
    "END",
    f"CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "END",
    f"CREATE TRIGGER search_documents_fts_update AFTER UPDATE OF title_terms, body_terms ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    f"INSERT INTO {FTS_TABLE}(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); "
    "END",
)
POSTGRESQL_DDL = (
    f"ALTER TABLE search_documents ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, title_terms), 'A') || "
    f"setweight(to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, body_terms), 'B')) STORED",
    # Kept in the row, the texts moved out first: see migrations/versions/b5d2e8c41f70.
    f"ALTER TABLE search_documents ALTER COLUMN {VECTOR_COLUMN} SET STORAGE MAIN",
    # Without fast update: see migrations/versions/a7e4c19b2d63 (searches read the pending list).
    f"CREATE INDEX {VECTOR_INDEX} ON search_documents USING gin ({VECTOR_COLUMN}) WITH (fastupdate = off)",
)


def fulltext_ddl(dialect_name: str) -> tuple[str, ...]:
    if dialect_name == "sqlite":
        return SQLITE_DDL
    if dialect_name == "postgresql":
        return POSTGRESQL_DDL
    raise NotImplementedError(f"no full-text search for {dialect_name!r}")


def create_fulltext(connection) -> None:
    """Create the full-text part on a connection whose ``search_documents`` is empty or new."""
    for statement in fulltext_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def rebuild_fulltext(connection) -> None:
    """After a rebuild. SQLite: rebuild the FTS5 index from ``search_documents`` (repairs any
    difference) and merge its segments. PostgreSQL computes the vector itself: refresh the
    planner's statistics, so that it chooses the GIN index at once rather than after autovacuum."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE search_documents")


# --- Alembic: these objects are not drift ---------------------------------------------


def _is_fulltext_op(op) -> bool:
    from alembic.operations import ops

    if isinstance(op, ops.DropTableOp):
        return op.table_name == FTS_TABLE or op.table_name in FTS_SHADOW_TABLES
    if isinstance(op, ops.DropColumnOp):
        return op.table_name == "search_documents" and op.column_name == VECTOR_COLUMN
    if isinstance(op, ops.DropIndexOp):
        return op.index_name == VECTOR_INDEX
    return False


def _without_fulltext(container) -> None:
    from alembic.operations import ops

    kept = []
    for op in container.ops:
        if isinstance(op, ops.OpContainer):
            _without_fulltext(op)
            if op.is_empty():
                continue
        elif _is_fulltext_op(op):
            continue
        kept.append(op)
    container.ops[:] = kept


def _install_autogenerate_filter() -> None:
    from alembic.autogenerate import comparators
    from alembic.util import DispatchPriority, PriorityDispatchResult

    @comparators.dispatch_for("schema", priority=DispatchPriority.LAST)
    def _leave_fulltext_alone(_autogen_context, upgrade_ops, _schemas):
        _without_fulltext(upgrade_ops)
        return PriorityDispatchResult.CONTINUE


_install_autogenerate_filter()
