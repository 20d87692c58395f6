"""Operations shared by the migrations of the core and of plugins."""

from __future__ import annotations

from alembic import op


def drop_columns(table: str, *columns: str) -> None:
    """Drop columns without rebuilding the table.

    Alembic's batch mode rebuilds a SQLite table to drop a column: the old table is dropped,
    and with foreign keys on, every row that references it with ON DELETE CASCADE goes with
    it (memberships with users, commitments with missions). SQLite 3.35+ drops a column in
    place, as PostgreSQL does.
    """
    sqlite = op.get_bind().dialect.name == "sqlite"
    for column in columns:
        if sqlite:
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
        else:
            op.drop_column(table, column)
