"""Asking the index: the documents of some kinds that match a query, ranked.

``matching`` answers a subquery of ``(object_id, rank)`` that a provider joins to its own
table, where it applies its own visibility rules, orders by ``rank`` (higher first) and
limits: one query whatever the number of documents, and the limit applies after the rules.
``ranked`` is the same subquery with the terms as a bound parameter (``search_parameters``),
for a provider that builds its statement once per backend instead of at every search.

- SQLite: ``search_documents_fts MATCH '"jard"* "lyon"*'``, ranked by ``bm25`` (the title
  weighs ten times the body), negated so that higher is better;
- PostgreSQL: ``search_vector @@ to_tsquery('simple', 'jard:* & lyon:*')``, ranked by
  ``ts_rank`` (title A, body B), through the GIN index.

Both read the same folded words (``ptcc.search.text``), so they find the same documents;
their ranks differ in scale but order alike (a word in the title before a word in the
body). ``score`` maps a rank into [0, 1) for ``SearchResult.score``.
"""

from __future__ import annotations

from functools import lru_cache
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


#: Name of the bound parameter that carries the folded terms in a ``ranked`` subquery.
TERMS_PARAMETER = "ptcc_search_terms"


def _statement(kinds: list[str], dialect: str, public_only: bool, terms) -> sa.Select:
    """``(object_id, rank)`` of the matching documents; ``terms`` is the bound parameter
    holding the backend's query text (``fts5_query`` or ``tsquery``)."""
    documents = SearchDocument.__table__
    # One kind (every provider's case) as a plain equality: an IN list is expanded anew at each
    # execution, even of a statement built once.
    conditions = [documents.c.kind == kinds[0] if len(kinds) == 1 else documents.c.kind.in_(kinds)]
    if public_only:
        conditions.append(documents.c.public.is_(True))
    if dialect == "sqlite":
        fts = sa.literal_column(FTS_TABLE)
        rank = -sa.func.bm25(fts, *BM25_WEIGHTS)
        return (sa.select(documents.c.object_id, rank.label("rank"))
                .select_from(_fts.join(documents, documents.c.id == _fts.c.rowid))
                .where(fts.op("MATCH")(terms), *conditions))
    vector = sa.literal_column(f"search_documents.{VECTOR_COLUMN}")
    searched = sa.func.to_tsquery(sa.literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig"), terms)
    return (sa.select(documents.c.object_id, sa.func.ts_rank(vector, searched).label("rank"))
            .where(vector.op("@@")(searched), *conditions))


def _searched_text(dialect: str, terms: list[str]) -> str:
    return fts5_query(terms) if dialect == "sqlite" else tsquery(terms)


def matching(kinds: str | Iterable[str], query: str, *, public_only: bool = True, session=None):
    """``(object_id, rank)`` of the documents of ``kinds`` matching every term of ``query``,
    as a subquery; None when the query has no term (nothing to look for: find nothing)."""
    from ptcc.extensions import db

    session = session or db.session
    terms = query_terms(query)
    if not terms:
        return None
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    dialect = _dialect(session)
    name, type_ = ("ptcc_fts_query", None) if dialect == "sqlite" else ("ptcc_tsquery", sa.Text)
    searched = sa.bindparam(name, _searched_text(dialect, terms), type_=type_, unique=True)
    return _statement(kinds, dialect, public_only, searched).subquery()


@lru_cache(maxsize=64)
def ranked(kinds: tuple[str, ...], dialect: str, public_only: bool = True) -> sa.Subquery:
    """``matching`` for statements built once and executed many times: the same subquery,
    its terms left to the bound parameter ``TERMS_PARAMETER`` that ``search_parameters``
    gives at execution. Building a statement costs more than running a selective search;
    a provider that caches its statement (per dialect) pays it once per process."""
    terms = sa.bindparam(TERMS_PARAMETER, type_=None if dialect == "sqlite" else sa.Text)
    return _statement(list(kinds), dialect, public_only, terms).subquery()


def search_parameters(query: str, dialect: str) -> dict[str, str] | None:
    """The parameters of a ``ranked`` subquery for ``query``; None when the query has no term."""
    terms = query_terms(query)
    if not terms:
        return None
    return {TERMS_PARAMETER: _searched_text(dialect, terms)}


def dialect_of(session=None) -> str:
    """The backend's name of the current territory's session ("sqlite", "postgresql")."""
    from ptcc.extensions import db

    return _dialect(session or db.session)


def score(rank) -> float:
    """A rank (higher is better, from 0) as a score in [0, 1), for ``SearchResult.score``."""
    rank = max(float(rank or 0.0), 0.0)
    return rank / (1.0 + rank)
