"""search index: one table of documents that every plugin feeds, and its full-text index

``search_documents`` holds one row per indexed object (kind, object id, language, title,
body, their folded words, public flag). The backend's full-text part is made with plain
SQL, as it stands at this revision (``ptcc.search.schema`` describes the same objects):

- SQLite: an FTS5 table over the folded words whose content is ``search_documents``
  (tokenizer unicode61 remove_diacritics 2, prefix indexes of 2 and 3 characters), and
  the three triggers that keep it in step;
- PostgreSQL: a stored generated ``tsvector`` ('simple' configuration, title weight A,
  body B) and its GIN index.

The index is then filled with what the territory already has, through the same code as
``ptcc search reindex`` (every installed plugin's ``ptcc_search_sources``). Should that
fail (a later revision of this same upgrade changes an indexed table), the index is left
empty with a warning: run ``ptcc search reindex`` once the upgrade is done.

Revision ID: 736048aacdf5
Revises: c41d7e2a9f05
Create Date: 2026-12-01 12:07:14.440986
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = '736048aacdf5'
down_revision = 'c41d7e2a9f05'
branch_labels = None
depends_on = None

SQLITE = (
    "CREATE VIRTUAL TABLE search_documents_fts USING fts5(title_terms, body_terms, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER search_documents_fts_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); "
    "END",
    "CREATE TRIGGER search_documents_fts_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "END",
    "CREATE TRIGGER search_documents_fts_update AFTER UPDATE OF title_terms, body_terms ON search_documents BEGIN "
    "INSERT INTO search_documents_fts(search_documents_fts, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    "INSERT INTO search_documents_fts(rowid, title_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.body_terms); "
    "END",
)
POSTGRESQL = (
    "ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED",
    "CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)",
)


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('title_terms', sa.Text(), nullable=False),
    sa.Column('body_terms', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('updated_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_documents_kind_object_id'))
    )
    bind = op.get_bind()
    for statement in SQLITE if bind.dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)
    _fill(bind)


def _fill(bind):
    """Index the territory's existing objects (a savepoint; on failure a warning, the upgrade goes on)."""
    from ptcc.search.rebuild import fill_from_migration

    fill_from_migration(bind)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE search_documents_fts")  # and its shadow tables; the triggers go with the table
    op.drop_table('search_documents')
