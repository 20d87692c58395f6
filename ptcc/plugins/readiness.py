"""Is an enabled plugin's schema present in the territory's database?

A plugin enabled on a territory whose database has not run the plugin's
migrations must not crash pages: its routes answer 503 with the command to run,
and its hooks are left out until ``ptcc db upgrade <slug>`` has run.
"""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
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


def current_heads() -> frozenset[str]:
    """The revisions recorded in the current territory's ``alembic_version`` table.

    Read on the session's own connection: a second one per request would double the
    connections a territory needs (and could wait on the pool for itself).
    """
    return frozenset(MigrationContext.configure(db.session.connection()).get_current_heads())


def unmigrated_plugins(manager, enabled: set[str]) -> set[str]:
    """The enabled optional plugins whose migrations the territory has not run.

    Only a positive answer is kept, per process and territory (``TenantEngines.ready_plugins``):
    once a plugin's tables are seen, no request asks again; until then every request does,
    so a territory comes up as soon as the operator migrates it.
    """
    index = manager.migration_index()
    candidates = {name for name in enabled if index.plugin_revisions.get(name)}
    ready = state().engines.ready_plugins(current_tenant._get_current_object())
    if not candidates - ready:
        return set()
    missing = index.missing(candidates, current_heads())
    ready.update(candidates - missing)
    return missing


def not_migrated_message(names, slug: str | None = None) -> str:
    slug = slug or current_tenant.slug
    return _(
        "This territory's database lacks the tables of: %(plugins)s. An operator must run "
        "“ptcc db upgrade %(slug)s” before it can be used here.",
        plugins=", ".join(sorted(names)), slug=slug,
    )
