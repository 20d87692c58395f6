"""Is an enabled plugin's schema present in the territory's database?

A plugin enabled on a territory whose database has not run the plugin's
migrations must not crash pages: its routes answer 503 with the command to run,
and its hooks are left out until ``ptcc db upgrade <slug>`` has run.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_babel import gettext as _

from ptcc.extensions import db
from ptcc.tenancy import current_tenant, state


class MigrationIndex:
    """Built once per application: which Alembic revisions belong to which plugin."""

    def __init__(self, manager):
        from ptcc.migrate import alembic_config

        self.script = ScriptDirectory.from_config(alembic_config())
        self.plugin_revisions: dict[str, set[str]] = {}
        folders = {name: Path(folder).resolve() for name, folder in manager.each_result("ptcc_migrations_dir")
                   if folder and not manager.infos[name].core}
        for revision in self.script.walk_revisions():
            where = Path(revision.path).resolve()
            for name, folder in folders.items():
                if where.is_relative_to(folder):
                    self.plugin_revisions.setdefault(name, set()).add(revision.revision)
        self._applied_cache: dict[frozenset, set[str]] = {}

    def applied(self, heads: frozenset[str]) -> set[str]:
        """Every revision at or below the database's current heads."""
        from ptcc.migrate import applied_revisions

        if heads not in self._applied_cache:
            self._applied_cache[heads] = applied_revisions(heads, self.script)
        return self._applied_cache[heads]

    def missing(self, names: set[str], heads: frozenset[str]) -> set[str]:
        applied = self.applied(heads)
        return {name for name in names if self.plugin_revisions.get(name, set()) - applied}


#: Alembic's version table, declared once. Alembic's ``MigrationContext`` declares a new
#: ``Table`` each time: a new statement to SQLAlchemy, compiled again for every territory and
#: kept in the compiled-SQL cache all territories share, where it crowded out pages' own.
VERSION_TABLE = sa.table("alembic_version", sa.column("version_num"))


def current_heads() -> frozenset[str]:
    """The revisions recorded in the current territory's ``alembic_version`` table.

    Read on the session's own connection: a second one per request would double the
    connections a territory needs (and could wait on the pool for itself). Whether the
    table exists is asked only of a territory not known to be migrated (work outside a
    request): on PostgreSQL, a failed query would end the session's transaction.
    """
    connection = db.session.connection()
    if state().engines.facts.heads(current_tenant.slug) is None and not sa.inspect(connection).has_table(
            VERSION_TABLE.name):
        return frozenset()
    return frozenset(connection.execute(sa.select(VERSION_TABLE.c.version_num)).scalars())


def unmigrated_plugins(manager, enabled: set[str]) -> set[str]:
    """The enabled optional plugins whose migrations the territory has not run.

    Only a positive answer is kept, per process and territory (``TenantEngines.facts``):
    once a plugin's tables are seen, no request asks again; until then every request does,
    so a territory comes up as soon as the operator migrates it. The revisions read when the
    request found the territory migrated answer first; the table is read again only for a
    plugin they lack.
    """
    index = manager.migration_index()
    candidates = {name for name in enabled if index.plugin_revisions.get(name)}
    engines, tenant = state().engines, current_tenant._get_current_object()
    if candidates <= engines.ready_plugins(tenant):
        return set()
    heads = engines.facts.heads(tenant.slug)
    missing = index.missing(candidates, heads) if heads is not None else candidates
    if missing:
        heads = current_heads()
        missing = index.missing(candidates, heads)
    engines.mark_ready(tenant, candidates - missing, heads=heads)
    return missing


def not_migrated_message(names, slug: str | None = None) -> str:
    slug = slug or current_tenant.slug
    return _(
        "This territory's database lacks the tables of: %(plugins)s. An operator must run "
        "“ptcc db upgrade %(slug)s” before it can be used here.",
        plugins=", ".join(sorted(names)), slug=slug,
    )
