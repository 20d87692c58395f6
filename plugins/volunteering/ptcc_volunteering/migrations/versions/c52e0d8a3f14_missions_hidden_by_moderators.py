"""missions hidden by the moderators after a report

Revision ID: c52e0d8a3f14
Revises: bf197e16b56a
Create Date: 2026-12-01 22:40:00
"""

from alembic import op

from ptcc.migration_ops import drop_columns
import sqlalchemy as sa
import ptcc.db


revision = 'c52e0d8a3f14'
down_revision = 'bf197e16b56a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volunteering_missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', ptcc.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_reason', sa.Text(), nullable=False, server_default=''))

    # The missions' search documents now depend on ``hidden_at``, and on the organisations' (the
    # core's e3a91c5d7b20): whichever of the two revisions runs second fills them.
    from ptcc.search.rebuild import fill_from_migration

    fill_from_migration(op.get_bind(), kinds=["volunteering.mission"])


def downgrade():
    drop_columns('volunteering_missions', 'hidden_reason', 'hidden_at')
