"""The territory's search index: one row per indexed object, whatever its plugin.

The full-text part is the backend's own and lives outside the models (see
``ptcc.search.schema``): on SQLite an FTS5 table over ``title_terms`` and
``body_terms``, kept in step by triggers; on PostgreSQL a generated ``tsvector``
column with a GIN index.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class SearchDocument(db.Model):
    """What one object is found by; written only by ``ptcc.search.maintenance``."""

    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The source's kind, e.g. "organisations.organisation".
    kind: Mapped[str] = mapped_column(sa.String(60))
    #: Primary key of the indexed object in its own table.
    object_id: Mapped[int] = mapped_column(sa.Integer)
    #: Language of the text when the source knows it; "" for the territory's own.
    language: Mapped[str] = mapped_column(sa.String(10), default="")
    #: As the source gave them (shown by a provider that renders documents directly).
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    #: Folded words (``ptcc.search.text``): what the full-text index reads.
    title_terms: Mapped[str] = mapped_column(sa.Text, default="")
    body_terms: Mapped[str] = mapped_column(sa.Text, default="")
    #: False: found only by providers that ask for documents that are not public.
    public: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind}:{self.object_id}>"


def _create_fulltext(table, connection, **_kw) -> None:
    # Databases built by ``create_all`` (the tests' PTCC_TEST_SCHEMA=create_all shortcut)
    # get the full-text part too; migrated ones get it from the core's revision.
    from ptcc.search.schema import create_fulltext

    create_fulltext(connection)


sa.event.listen(SearchDocument.__table__, "after_create", _create_fulltext)
