"""volunteer missions: missions, their skills, the answers of volunteers

First revision of the ``volunteering`` branch. It needs the core's ``users`` and
``organisations`` tables, hence ``depends_on`` the core revision creating the latter.

Revision ID: bf197e16b56a
Revises:
Create Date: 2026-11-23 20:03:56.325438
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = 'bf197e16b56a'
down_revision = None
branch_labels = ('volunteering',)
depends_on = '5b2c1e7d9a01'  # core: organisations


def upgrade():
    op.create_table('volunteering_missions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('availability', sa.String(length=200), nullable=False),
    sa.Column('volunteers_needed', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='missionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', ptcc.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volunteering_missions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_volunteering_missions_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteering_missions'))
    )
    with op.batch_alter_table('volunteering_missions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteering_missions_commune'), ['commune'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteering_missions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteering_missions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteering_missions_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteering_missions_status'), ['status'], unique=False)

    op.create_table('volunteering_mission_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['volunteering_missions.id'], name=op.f('fk_volunteering_mission_skills_mission_id_volunteering_missions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteering_mission_skills')),
    sa.UniqueConstraint('mission_id', 'slug', name=op.f('uq_volunteering_mission_skills_mission_id_slug'))
    )
    with op.batch_alter_table('volunteering_mission_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteering_mission_skills_slug'), ['slug'], unique=False)

    op.create_table('volunteering_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', name='responsestatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', ptcc.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_volunteering_responses_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mission_id'], ['volunteering_missions.id'], name=op.f('fk_volunteering_responses_mission_id_volunteering_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteering_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteering_responses')),
    sa.UniqueConstraint('mission_id', 'user_id', name=op.f('uq_volunteering_responses_mission_id_user_id'))
    )
    with op.batch_alter_table('volunteering_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteering_responses_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('volunteering_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteering_responses_user_id'))

    op.drop_table('volunteering_responses')
    with op.batch_alter_table('volunteering_mission_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteering_mission_skills_slug'))

    op.drop_table('volunteering_mission_skills')
    with op.batch_alter_table('volunteering_missions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteering_missions_status'))
        batch_op.drop_index(batch_op.f('ix_volunteering_missions_starts_on'))
        batch_op.drop_index(batch_op.f('ix_volunteering_missions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_volunteering_missions_created_at'))
        batch_op.drop_index(batch_op.f('ix_volunteering_missions_commune'))

    op.drop_table('volunteering_missions')
