"""search index on PostgreSQL: the GIN index takes each write at once (fastupdate off)

With GIN's fast update, new and changed documents wait in a pending list that every search
reads in full until a vacuum merges it; its size enters the planner's costs, which then
chose to read the whole table instead of the index: a search of two words over Lyon
enlarged to 4,000 documents took 12 ms in the database instead of 1. The index is written
by the platform's own writes, which are rare next to searches. The list left by earlier
writes is merged here. Nothing changes on SQLite.

Revision ID: a7e4c19b2d63
Revises: 736048aacdf5
Create Date: 2026-12-01 17:20:00
"""

from alembic import op

revision = 'a7e4c19b2d63'
down_revision = '736048aacdf5'
branch_labels = None
depends_on = None

INDEX = "ix_search_documents_search_vector"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    op.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")
