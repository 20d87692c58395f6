"""Alembic environment: always run by PTCC on one territory's connection.

``ptcc db upgrade`` (ptcc.migrate) opens the connection and passes it in
``config.attributes["connection"]``; running the ``alembic`` command directly is
not supported because it would not know which territory to migrate.
"""

from alembic import context

from ptcc.extensions import db
from ptcc.migrate import import_all_models, table_owner

import_all_models()
connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `ptcc db upgrade`, which selects each territory's database.")

#: During `ptcc db revision`, only the tables of this owner ("core" or a plugin name).
owner = context.config.attributes.get("autogenerate_owner")


def include_object(obj, name, type_, reflected, compare_to):
    if owner is None or type_ != "table":
        return True
    return table_owner(name) == owner


context.configure(
    connection=connection,
    target_metadata=db.metadata,
    include_object=include_object,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
    # A revision that filled the search index with models newer than its schema could not:
    # it is filled now, the schema being the models' own (ptcc.search.rebuild).
    from ptcc.search.rebuild import fill_left_for_the_end

    fill_left_for_the_end(connection)
    # A new schema may change every page: nothing derived from the old one is used again
    # (ptcc.caching, ptcc.web.page_cache). Below the revision that creates the table, no-op.
    import sqlalchemy as sa

    from ptcc.caching import bump_data_version

    if sa.inspect(connection).has_table("data_version"):
        bump_data_version(connection)
