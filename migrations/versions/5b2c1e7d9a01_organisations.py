"""organisations: topics, organisations, memberships, invitations

Revision ID: 5b2c1e7d9a01
Revises: 3d0e9a7596c3
Create Date: 2026-11-23 19:59:13.806298
"""

from alembic import op
import sqlalchemy as sa
import ptcc.db


revision = '5b2c1e7d9a01'
down_revision = '3d0e9a7596c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('name', name=op.f('uq_topics_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_topics_slug'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('association', 'third_place', 'federation', 'local_authority', 'ess_enterprise', 'citizen_collective', 'citizen_media', 'research_centre', 'other', name='organisationkind', native_enum=False, length=30), nullable=False),
    sa.Column('circle', sa.Enum('first', 'second', name='circle', native_enum=False, length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('declared_members', sa.Integer(), nullable=True),
    sa.Column('rna', sa.String(length=10), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='organisationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', ptcc.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organisations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_organisations_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('slug', name=op.f('uq_organisations_slug'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_commune'), ['commune'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_status'), ['status'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='membershiprole', native_enum=False, length=20), nullable=False),
    sa.Column('may_sign', sa.Boolean(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', ptcc.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='membershiprole', native_enum=False, length=20), nullable=False),
    sa.Column('may_sign', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', name='membershipstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('organisation_id', 'user_id', name=op.f('uq_memberships_organisation_id_user_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_topics',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_topics_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_organisation_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'topic_id', name=op.f('pk_organisation_topics'))
    )
    with op.batch_alter_table('organisation_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_topics_topic_id'), ['topic_id'], unique=False)



def downgrade():
    with op.batch_alter_table('organisation_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_topics_topic_id'))

    op.drop_table('organisation_topics')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_organisation_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_status'))
        batch_op.drop_index(batch_op.f('ix_organisations_kind'))
        batch_op.drop_index(batch_op.f('ix_organisations_created_at'))
        batch_op.drop_index(batch_op.f('ix_organisations_commune'))

    op.drop_table('organisations')
    op.drop_table('topics')
