"""sample notes

Revision ID: a1b2c3d4e5f6
Revises:
Create Date: 2026-11-23 20:40:00
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = 'a1b2c3d4e5f6'
down_revision = None
branch_labels = ('sample',)
depends_on = '6c3d2f8e0b12'


def upgrade():
    op.create_table('sample_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sample_notes'))
    )


def downgrade():
    op.drop_table('sample_notes')
