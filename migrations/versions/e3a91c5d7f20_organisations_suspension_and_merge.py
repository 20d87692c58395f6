"""organisations: suspension and merge; activity entries name their organisation

Moderators may suspend an approved organisation (statuses are plain strings: the new
values "suspended" and "merged" need no change of type) and merge a duplicate into
another one, which keeps the merged organisation as a tombstone pointing at the kept
one (``merged_into_id``). Activity entries may name the organisation they are about,
so that the feed hides them while it is suspended and a merge moves them. The entries
already written by the volunteering plugin (the only one writing entries so far) name
their mission: they get its organisation, where the plugin's table exists.

On SQLite, ``organisations`` is altered in place, never copied: a batch copy drops the
old table, and SQLite's implicit DELETE of a dropped table fires ON DELETE CASCADE in
every table referring to it (memberships, invitations, topics, missions…), foreign keys
being on in PTCC's connections and impossible to turn off inside the migration's
transaction. ``activity_entries``, which nothing refers to, may be copied.

Revision ID: e3a91c5d7f20
Revises: e3a91c5d7b20
Create Date: 2026-12-01 22:30:00
"""

from alembic import op
import sqlalchemy as sa

import ptcc.db

revision = 'e3a91c5d7f20'
down_revision = 'e3a91c5d7b20'
branch_labels = None
depends_on = None

MERGED_INTO_FK = 'fk_organisations_merged_into_id_organisations'
ACTIVITY_FK = 'fk_activity_entries_organisation_id_organisations'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _has_column(table: str, column: str) -> bool:
    return column in {c['name'] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade():
    op.add_column('organisations', sa.Column('suspension_reason', sa.Text(), nullable=False, server_default=''))
    op.add_column('organisations', sa.Column('suspended_at', ptcc.db.UTCDateTime(), nullable=True))
    op.add_column('organisations', sa.Column('merged_at', ptcc.db.UTCDateTime(), nullable=True))
    if not _sqlite():
        op.add_column('organisations', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key(MERGED_INTO_FK, 'organisations', 'organisations', ['merged_into_id'], ['id'])
        op.alter_column('organisations', 'suspension_reason', server_default=None)
    elif not _has_column('organisations', 'merged_into_id'):  # a downgrade on SQLite keeps it
        # In place, the reference inline (SQLite keeps the default: removing it would copy the table).
        op.execute(f'ALTER TABLE organisations ADD COLUMN merged_into_id INTEGER '
                   f'CONSTRAINT {MERGED_INTO_FK} REFERENCES organisations (id)')
    op.create_index(op.f('ix_organisations_merged_into_id'), 'organisations', ['merged_into_id'], unique=False)
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activity_entries_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(ACTIVITY_FK, 'organisations', ['organisation_id'], ['id'], ondelete='SET NULL')
    _name_the_organisations_of_mission_entries()


def _name_the_organisations_of_mission_entries():
    bind = op.get_bind()
    if not sa.inspect(bind).has_table('volunteering_missions'):
        return
    entries = sa.table('activity_entries', sa.column('id', sa.Integer), sa.column('endpoint', sa.String),
                       sa.column('url_values', sa.JSON), sa.column('organisation_id', sa.Integer))
    missions = dict(bind.execute(sa.text('SELECT id, organisation_id FROM volunteering_missions')).all())
    rows = bind.execute(sa.select(entries.c.id, entries.c.url_values)
                        .where(entries.c.endpoint == 'volunteering.show', entries.c.organisation_id.is_(None))).all()
    for entry_id, values in rows:
        mission_id = values.get('mission_id') if isinstance(values, dict) else None
        if isinstance(mission_id, int) and mission_id in missions:
            bind.execute(sa.update(entries).where(entries.c.id == entry_id)
                         .values(organisation_id=missions[mission_id]))


def downgrade():
    # Without the columns, neither a suspension nor a tombstone can be told: both stay hidden.
    op.execute("UPDATE organisations SET status = 'refused', refusal_reason = suspension_reason "
               "WHERE status = 'suspended'")
    op.execute("UPDATE organisations SET status = 'refused' WHERE status = 'merged'")
    with op.batch_alter_table('activity_entries', schema=None) as batch_op:
        batch_op.drop_constraint(ACTIVITY_FK, type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activity_entries_organisation_id'))
        batch_op.drop_column('organisation_id')
    op.drop_index(op.f('ix_organisations_merged_into_id'), table_name='organisations')
    if _sqlite():
        # SQLite cannot drop a column holding a reference in place, and a copy would empty
        # the tables referring to organisations: the column stays, empty and unused, and the
        # next upgrade finds it there.
        op.execute('UPDATE organisations SET merged_into_id = NULL')
    else:
        op.drop_constraint(MERGED_INTO_FK, 'organisations', type_='foreignkey')
        op.drop_column('organisations', 'merged_into_id')
    for column in ('merged_at', 'suspended_at', 'suspension_reason'):
        op.drop_column('organisations', column)
