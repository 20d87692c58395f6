"""one open invitation per organisation and address

Two identical invitations sent at the same moment could both be added. A partial
unique index (open invitations only: accepted ones are kept as history) now
refuses the second. Duplicates left by that race are removed first, keeping the
newest one of each organisation and address, whose link is the one last e-mailed.

Revision ID: 98bd866d3dec
Revises: 6c3d2f8e0b12
Create Date: 2026-12-01 09:13:19.974910
"""

from alembic import op
import sqlalchemy as sa


revision = '98bd866d3dec'
down_revision = '6c3d2f8e0b12'
branch_labels = None
depends_on = None

OPEN = sa.text('accepted_at IS NULL')


def upgrade():
    op.execute(
        'DELETE FROM invitations WHERE accepted_at IS NULL AND id NOT IN '
        '(SELECT MAX(id) FROM invitations WHERE accepted_at IS NULL GROUP BY organisation_id, email)'
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index('uq_invitations_open_organisation_id_email', ['organisation_id', 'email'],
                              unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_invitations_open_organisation_id_email', sqlite_where=OPEN, postgresql_where=OPEN)
