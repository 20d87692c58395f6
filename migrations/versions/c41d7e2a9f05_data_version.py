"""data version: the number that caches of derived data are keyed by

Every transaction that changes the territory's data gives it a new value
(ptcc.caching). The row is created here so that writers only ever update it.

Revision ID: c41d7e2a9f05
Revises: 98bd866d3dec
Create Date: 2026-12-01 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'c41d7e2a9f05'
down_revision = '98bd866d3dec'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('data_version')
