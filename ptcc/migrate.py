"""Alembic, run per territory: each database has its own version table."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from ptcc.tenancy import Tenant, state

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
CORE_MODEL_MODULES = (
    "ptcc.accounts.models",
    "ptcc.organisations.models",
    "ptcc.tenancy.models",
    "ptcc.audit.models",
    "ptcc.outbox.models",
    "ptcc.activity.models",
    "ptcc.search.models",
    "ptcc.legal.models",
)


def import_all_models() -> None:
    """Fill the metadata: core models, then each installed plugin's (via ptcc_models)."""
    for name in CORE_MODEL_MODULES:
        importlib.import_module(name)
    if current_app:
        manager = state().plugins
        if manager is not None:
            manager.startup_hook("ptcc_models")()


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(MIGRATIONS_DIR / "versions")]
    for folder in state().plugins.startup_hook("ptcc_migrations_dir")():
        if folder:
            locations.append(str(folder))
    cfg.set_main_option("path_separator", "os")
    import os

    cfg.set_main_option("version_locations", os.pathsep.join(locations))
    cfg.attributes["connection"] = connection
    return cfg


def table_owner(table_name: str) -> str:
    """"core", or the optional plugin whose prefix the table carries."""
    for info in state().plugins.optional():
        if table_name.startswith(f"{info.name}_"):
            return info.name
    return "core"


def plugin_versions_dir(name: str) -> Path | None:
    plugin = state().plugins.pm.get_plugin(name)
    impl = getattr(plugin, "ptcc_migrations_dir", None)
    return Path(impl()) if impl else None


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(tenant: Tenant) -> set[str]:
    engine = state().engines.get(tenant)
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


@dataclass(frozen=True)
class UpgradeResult:
    """The territory's recorded revisions before and after ``upgrade``."""

    before: frozenset[str]
    after: frozenset[str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


class Migrator:
    """Alembic's revision scripts, read once for a loop over many territories.

    ``alembic.command.upgrade`` builds a new ``ScriptDirectory`` for every call, which
    reads and executes every revision file again (a few milliseconds per territory); a
    command that visits a thousand territories reads them once here. ``env.py`` still
    runs per territory, on that territory's connection.
    """

    def __init__(self):
        self.script = ScriptDirectory.from_config(alembic_config())

    def heads(self) -> frozenset[str]:
        return frozenset(self.script.get_heads())

    def upgrade(self, tenant: Tenant, target: str = "heads") -> UpgradeResult:
        """Create the territory's database if needed and apply every pending revision, in
        one transaction (SQLite's DDL is transactional too)."""
        engines = state().engines
        engines.ensure_database(tenant)
        with engines.get(tenant).begin() as conn:
            before = _recorded_revisions(conn)
            self.upgrade_connection(conn, target)
            after = _recorded_revisions(conn)
        return UpgradeResult(before, after)

    def upgrade_connection(self, conn, target: str = "heads") -> None:
        script = self.script

        # What ``command.upgrade`` does, with our already loaded script directory.
        def upgrade_revisions(revision, _context):
            return script._upgrade_revs(target, revision)

        with EnvironmentContext(alembic_config(conn), script, fn=upgrade_revisions, destination_rev=target):
            script.run_env()

    def is_up_to_date(self, current: set[str] | frozenset[str]) -> bool:
        return self.heads() <= applied_revisions(current, self.script)


def _recorded_revisions(conn) -> frozenset[str]:
    return frozenset(MigrationContext.configure(conn).get_current_heads())


def upgrade(tenant: Tenant, target: str = "heads") -> UpgradeResult:
    """Create the territory's database if needed and apply every pending revision."""
    return Migrator().upgrade(tenant, target)


def migration_state(tenant: Tenant, migrator: Migrator | None = None) -> str:
    """"missing", "empty", "up to date" or "behind"."""
    from sqlalchemy_utils import database_exists

    url = state().engines.url_for(tenant)
    if not database_exists(url):
        _check_server_reachable(url)
        return "missing"
    current = current_revisions(tenant)
    if not current:
        return "empty"
    return "up to date" if (migrator or Migrator()).is_up_to_date(current) else "behind"


def applied_revisions(current: set[str] | frozenset[str], script: ScriptDirectory | None = None) -> set[str]:
    """Every revision at or below the database's recorded ones, dependencies included.

    ``alembic_version`` keeps only the tips: once a plugin's branch depends on the
    core's head, the core's head is applied without being recorded there.
    """
    script = script or ScriptDirectory.from_config(alembic_config())
    applied: set[str] = set()
    for revision in current:
        try:
            applied.update(r.revision for r in script.iterate_revisions(revision, "base"))
        except Exception:  # recorded by a newer code base or a removed plugin
            applied.add(revision)
    return applied


def _check_server_reachable(url: str) -> None:
    """Raise when a PostgreSQL server does not answer: ``database_exists`` says False
    then, which would report an unreachable territory as merely "missing"."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = sa.create_engine(parsed.set(database="postgres"), poolclass=sa.pool.NullPool)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def schema_drift(tenant: Tenant) -> list:
    """Differences between the models and the territory's migrated schema (empty: none)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext as Ctx

    from ptcc.extensions import db

    import_all_models()
    foreign = foreign_tables()

    def include_object(obj, name, type_, reflected, compare_to):
        return not (type_ == "table" and name in foreign)

    with state().engines.get(tenant).connect() as conn:
        ctx = Ctx.configure(conn, opts={"compare_type": True, "render_as_batch": conn.dialect.name == "sqlite",
                                        "include_object": include_object})
        return [d for d in compare_metadata(ctx, db.metadata) if not _is_version_table(d)]


def foreign_tables() -> set[str]:
    """Tables of models imported in this process that belong neither to the core nor to a
    plugin of this application (another application built in the same process, as tests do)."""
    from ptcc.extensions import db

    ours = set()
    for _name, models in state().plugins.each_result("ptcc_models"):
        ours.update(model.__table__.name for model in models or [])
    return {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if not mapper.class_.__module__.startswith("ptcc.") and mapper.local_table.name not in ours
    }


def _is_version_table(diff) -> bool:
    return diff[0] == "remove_table" and diff[1].name == "alembic_version"


def new_revision(message: str, owner: str = "core") -> list[str]:
    """Autogenerate a revision for the core or one plugin, against a scratch SQLite database
    migrated to the current heads. Returns the paths of the written files."""
    import tempfile

    import sqlalchemy as sa

    with tempfile.TemporaryDirectory() as scratch:
        engine = sa.create_engine(f"sqlite:///{scratch}/scratch.db")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "heads")
        with engine.begin() as conn:
            cfg = alembic_config(conn)
            cfg.attributes["autogenerate_owner"] = owner
            script = ScriptDirectory.from_config(cfg)
            kwargs = {}
            if owner == "core":
                kwargs["head"] = "core@head" if _has_branch(script, "core") else "base"
                if kwargs["head"] == "base":
                    kwargs["branch_label"] = "core"
                kwargs["version_path"] = str(MIGRATIONS_DIR / "versions")
            else:
                folder = plugin_versions_dir(owner)
                if folder is None:
                    raise ValueError(f"plugin {owner!r} has no ptcc_migrations_dir hook")
                folder.mkdir(parents=True, exist_ok=True)
                kwargs["version_path"] = str(folder)
                if _has_branch(script, owner):
                    kwargs["head"] = f"{owner}@head"
                else:
                    kwargs.update(head="base", branch_label=owner, depends_on="core@head")
                    if _has_branch(script, "core"):
                        kwargs["depends_on"] = script.get_revision("core@head").revision
            scripts = command.revision(cfg, message=message, autogenerate=True, **kwargs)
        engine.dispose()
    scripts = scripts if isinstance(scripts, list) else [scripts]
    return [s.path for s in scripts if s is not None]


def _has_branch(script: ScriptDirectory, label: str) -> bool:
    try:
        script.get_revision(f"{label}@head")
    except Exception:
        return False
    return True
