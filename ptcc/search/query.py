"""Asking the index: the documents of some kinds that match a query, ranked.

``matching`` answers a subquery of ``(object_id, rank)`` that a provider joins to its own
table, where it applies its own visibility rules, orders by ``rank`` (higher first) and
limits: one query whatever the number of documents, and the limit applies after the rules.

- SQLite: ``search_documents_fts MATCH '"jard"* "lyon"*'``, ranked by ``bm25`` (the title
  weighs ten times the body), negated so that higher is better;
- PostgreSQL: ``search_vector @@ to_tsquery('simple', 'jard:* & lyon:*')``, ranked by
  ``ts_rank`` (title A, body B), through the GIN index.

Both read the same folded words (``ptcc.search.text``), so they find the same documents;
their ranks differ in scale but order alike (a word in the title before a word in the
body). ``score`` maps a rank into [0, 1) for ``SearchResult.score``.
"""

from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

from ptcc.search.models import SearchDocument
from ptcc.search.schema import FTS_TABLE, TEXT_SEARCH_CONFIG, VECTOR_COLUMN
from ptcc.search.text import fts5_query, query_terms, tsquery

#: bm25 weights of (title_terms, body_terms) on SQLite.
BM25_WEIGHTS = (10.0, 1.0)

_fts = sa.table(FTS_TABLE, sa.column("rowid"))


def _dialect(session) -> str:
    return session.get_bind().dialect.name


def matching(kinds: str | Iterable[str], query: str, *, public_only: bool = True, session=None):
    """``(object_id, rank)`` of the documents of ``kinds`` matching every term of ``query``,
    as a subquery; None when the query has no term (nothing to look for: find nothing)."""
    from ptcc.extensions import db

    session = session or db.session
    terms = query_terms(query)
    if not terms:
        return None
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    documents = SearchDocument.__table__
    conditions = [documents.c.kind.in_(kinds)]
    if public_only:
        conditions.append(documents.c.public.is_(True))
    if _dialect(session) == "sqlite":
        fts = sa.literal_column(FTS_TABLE)
        rank = -sa.func.bm25(fts, *BM25_WEIGHTS)
        searched = sa.bindparam("ptcc_fts_query", fts5_query(terms), unique=True)
        statement = (sa.select(documents.c.object_id, rank.label("rank"))
                     .select_from(_fts.join(documents, documents.c.id == _fts.c.rowid))
                     .where(fts.op("MATCH")(searched), *conditions))
    else:
        vector = sa.literal_column(f"search_documents.{VECTOR_COLUMN}")
        searched = sa.func.to_tsquery(sa.literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig"),
                                      sa.bindparam("ptcc_tsquery", tsquery(terms), type_=sa.Text, unique=True))
        statement = (sa.select(documents.c.object_id, sa.func.ts_rank(vector, searched).label("rank"))
                     .where(vector.op("@@")(searched), *conditions))
    return statement.subquery()


def score(rank) -> float:
    """A rank (higher is better, from 0) as a score in [0, 1), for ``SearchResult.score``."""
    rank = max(float(rank or 0.0), 0.0)
    return rank / (1.0 + rank)
