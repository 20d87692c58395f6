"""search index on PostgreSQL: the vector stays in the row (storage MAIN)

A document's row is over PostgreSQL's 2 KB threshold as soon as its description is a few
paragraphs long: with the default storage the toaster moved the ``tsvector`` itself out of the
row, and a search fetched it from the TOAST table for every document it ranked (Lyon
enlarged: 6,144 buffers for 752 matches, 17 ms). Storage MAIN makes the toaster move the texts
out first, which a search never reads: 1,054 buffers and 8 ms for the same search. The
documents written before are rewritten here so that they follow the new storage (the stored
vector is computed again by the update). Nothing changes on SQLite.

Revision ID: b5d2e8c41f70
Revises: a7e4c19b2d63
Create Date: 2026-12-01 20:40:00
"""

from alembic import op

revision = 'b5d2e8c41f70'
down_revision = 'a7e4c19b2d63'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents ALTER COLUMN search_vector SET STORAGE MAIN")
    op.execute("UPDATE search_documents SET title_terms = title_terms")
    op.execute("ANALYZE search_documents")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents ALTER COLUMN search_vector SET STORAGE EXTENDED")
