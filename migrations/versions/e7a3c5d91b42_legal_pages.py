"""legal pages: the facts they are written from, pages written by the territory, terms
accepted at sign-up, whose names the activity feed shows

Revision ID: e7a3c5d91b42
Revises: e7a1c9d35b20
Create Date: 2026-12-01 22:30:00
"""

from alembic import op

from ptcc.migration_ops import drop_columns
import sqlalchemy as sa
import ptcc.db


revision = 'e7a3c5d91b42'
down_revision = 'e7a1c9d35b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legal_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('publication_director', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('dpo_contact', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=500), nullable=False),
    sa.Column('accessibility_state', sa.Enum('none', 'partial', 'full', name='compliance', native_enum=False,
                                             length=20), nullable=False),
    sa.Column('accessibility_audit_date', sa.Date(), nullable=True),
    sa.Column('accessibility_exceptions', sa.Text(), nullable=False),
    sa.Column('accessibility_contact', sa.String(length=500), nullable=False),
    sa.Column('accessibility_plan', sa.Text(), nullable=False),
    sa.Column('updated_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_details'))
    )
    op.create_table('legal_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('notice', 'privacy', 'terms', 'accessibility', name='pagekind', native_enum=False,
                              length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', ptcc.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_legal_pages_updated_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_pages')),
    sa.UniqueConstraint('kind', name=op.f('uq_legal_pages_kind'))
    )
    # People who signed up before the terms were asked for keep an empty version.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_accepted_at', ptcc.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('terms_version', sa.String(length=40), nullable=False, server_default=''))
    with op.batch_alter_table('territory_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_names', sa.String(length=20), nullable=False, server_default=''))
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_label', sa.String(length=200), nullable=False,
                                      server_default=''))


def downgrade():
    drop_columns('activity_entries', 'organisation_label')
    drop_columns('territory_settings', 'activity_names')
    drop_columns('users', 'terms_version', 'terms_accepted_at')
    op.drop_table('legal_pages')
    op.drop_table('legal_details')
