"""territory banner: an optional image at the top of the home page

Revision ID: e7a1c9d35b20
Revises: b5d2e8c41f70
Create Date: 2026-12-01 22:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = 'e7a1c9d35b20'
down_revision = 'b5d2e8c41f70'
branch_labels = None
depends_on = None


def upgrade():
    # Existing territories have no banner.
    with op.batch_alter_table('territory_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('banner_filename', sa.String(length=120), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('territory_settings', schema=None) as batch_op:
        batch_op.drop_column('banner_filename')
