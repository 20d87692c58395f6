"""communes from the official list; organisations point at theirs

The ``communes`` table holds the territory's current communes (code INSEE, name, postal
codes, département), filled by ``ptcc communes import``. ``organisations.commune_code``
points at one of them (its INSEE code; not a foreign key, see below). The free-text ``organisations.commune`` stays: it is the name shown,
and, until the import has found the matching commune, the only one there is (an empty
table cannot be matched here: the import links the existing organisations and lists the
ones it cannot match).

Revision ID: e3c8a1f5d204
Revises: e7a3c5d91b42
Create Date: 2026-12-01 22:40:00
"""

from alembic import op

from ptcc.migration_ops import drop_columns
import sqlalchemy as sa

revision = 'e3c8a1f5d204'
down_revision = 'e7a3c5d91b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'communes',
        sa.Column('code', sa.String(length=5), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('folded_name', sa.String(length=120), nullable=False),
        sa.Column('postal_codes', sa.JSON(), nullable=False),
        sa.Column('departement', sa.String(length=3), nullable=False),
        sa.Column('epci', sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_communes')),
    )
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communes_folded_name'), ['folded_name'], unique=False)
    # Not a foreign key, and no batch mode: on SQLite either rebuilds the table, and dropping
    # the old one (foreign keys are on) would delete its memberships, topics and missions.
    op.add_column('organisations', sa.Column('commune_code', sa.String(length=5), nullable=True))
    op.create_index(op.f('ix_organisations_commune_code'), 'organisations', ['commune_code'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_organisations_commune_code'), table_name='organisations')
    drop_columns('organisations', 'commune_code')
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communes_folded_name'))
    op.drop_table('communes')
