"""activity stream, per-territory plugin settings

Revision ID: 6c3d2f8e0b12
Revises: 5b2c1e7d9a01
Create Date: 2026-11-23 20:30:00
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = '6c3d2f8e0b12'
down_revision = '5b2c1e7d9a01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.Column('plugin', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('endpoint', sa.String(length=120), nullable=False),
    sa.Column('url_values', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_activity_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_entries'))
    )
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_entries_kind'), ['kind'], unique=False)

    # Existing rows get an empty mapping: every plugin starts from its defaults.
    with op.batch_alter_table('territory_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plugin_settings', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    with op.batch_alter_table('territory_settings', schema=None) as batch_op:
        batch_op.drop_column('plugin_settings')

    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_entries_kind'))
        batch_op.drop_index(batch_op.f('ix_activity_entries_created_at'))
        batch_op.drop_index(batch_op.f('ix_activity_entries_actor_id'))

    op.drop_table('activity_entries')
