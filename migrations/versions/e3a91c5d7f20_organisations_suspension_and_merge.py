"""organisations: suspension and merge; activity entries name their organisation

Moderators may suspend an approved organisation (statuses are plain strings: the new
values "suspended" and "merged" need no change of type) and merge a duplicate into
another one, which keeps the merged organisation as a tombstone pointing at the kept
one (``merged_into_id``). Activity entries may name the organisation they are about,
so that the feed hides them while it is suspended and a merge moves them.

Revision ID: e3a91c5d7f20
Revises: b5d2e8c41f70
Create Date: 2026-12-01 22:30:00
"""

from alembic import op
import sqlalchemy as sa

import ptcc.db

revision = 'e3a91c5d7f20'
down_revision = 'b5d2e8c41f70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspension_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('suspended_at', ptcc.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_at', ptcc.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisations_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisations_suspended_by_id_users'), 'users',
                                    ['suspended_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_organisations_merged_into_id_organisations'), 'organisations',
                                    ['merged_into_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('suspension_reason', server_default=None)
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activity_entries_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activity_entries_organisation_id_organisations'),
                                    'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activity_entries_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activity_entries_organisation_id'))
        batch_op.drop_column('organisation_id')
    # Without the columns, neither a suspension nor a tombstone can be told: both stay hidden.
    op.execute("UPDATE organisations SET status = 'refused', refusal_reason = suspension_reason "
               "WHERE status = 'suspended'")
    op.execute("UPDATE organisations SET status = 'refused' WHERE status = 'merged'")
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisations_merged_into_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_organisations_suspended_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisations_merged_into_id'))
        batch_op.drop_column('merged_at')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('suspension_reason')
