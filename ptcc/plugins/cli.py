"""``ptcc plugin list`` and ``ptcc plugin new``; plugins' own commands under ``ptcc <name>``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ptcc.tenancy import state, tenant_context


@click.group("plugin", cls=AppGroup, help="Installed plugins; scaffold a new one.")
def plugin_group():
    pass


def _territory_use(tenant, names: set[str]) -> dict[str, str]:
    """Plugin name -> how the territory uses it ("" when enabled and ready)."""
    from ptcc import migrate

    try:
        db_state = migrate.migration_state(tenant)
    except Exception as exc:
        return {name: f"database unreachable ({type(exc).__name__})" for name in tenant.plugins if name in names}
    if db_state in ("missing", "empty"):
        return {name: f"not migrated: run `ptcc db upgrade {tenant.slug}`" for name in tenant.plugins if name in names}
    manager = state().plugins
    with tenant_context(tenant):
        enabled = manager.enabled_names() & names
        unmigrated = manager.unmigrated_names()
    return {name: (f"tables missing: run `ptcc db upgrade {tenant.slug}`" if name in unmigrated else "")
            for name in enabled}


@plugin_group.command("list")
def plugin_list():
    """Installed plugins, their versions and the territories that enable them."""
    manager = state().plugins
    optional = {info.name: info for info in manager.optional()}
    uses: dict[str, list[str]] = {name: [] for name in optional}
    for tenant in state().registry:
        for name, note in _territory_use(tenant, set(optional)).items():
            uses[name].append(f"{tenant.slug} ({note})" if note else tenant.slug)
    if not optional:
        click.echo("no optional plugin installed; scaffold one with `ptcc plugin new NAME`")
    for name, info in sorted(optional.items()):
        click.echo(f"{name}\t{info.version}\t{info.description}")
        click.echo(f"  from: {manager.origins.get(name) or 'registered by code'}")
        click.echo(f"  enabled in: {', '.join(uses[name]) if uses[name] else 'no territory'}")
    core = ", ".join(f"{info.name} {info.version}" for info in manager.infos.values() if info.core)
    click.echo(f"core (always enabled): {core}")


@plugin_group.command("new")
@click.argument("name")
@click.option("--path", "parent", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to create the plugin in (default: PTCC_PLUGINS_PATH).")
def plugin_new(name, parent):
    """Scaffold a working plugin package NAME: page, model, migration, translation, test."""
    from alembic.script import ScriptDirectory

    from ptcc.migrate import alembic_config
    from ptcc.plugins.scaffold import scaffold

    if name in state().plugins.infos:
        raise click.ClickException(f"a plugin named {name!r} is already installed")
    parent = parent or Path(current_app.config["PTCC_PLUGINS_PATH"])
    core_head = ScriptDirectory.from_config(alembic_config()).get_revision("core@head").revision
    try:
        written = scaffold(name, parent, core_head)
    except (ValueError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    root = Path(parent) / name
    for path in written:
        click.echo(f"wrote {path}")
    click.echo("")
    click.echo("next steps:")
    click.echo(f"  pip install -e {root}      (or keep it under PTCC_PLUGINS_PATH)")
    click.echo("  ptcc db upgrade")
    click.echo(f"  add \"{name}\" to plugins in a territory's tenant.toml, or tick it on the settings page")
    click.echo(f"  cd {root} && pytest")


def plugin_command_groups(manager) -> list[click.Group]:
    """Each plugin's ``ptcc_cli_commands``, gathered under a group named after the plugin."""
    groups = []
    for name, commands in manager.each_result("ptcc_cli_commands"):
        if not commands:
            continue
        group = AppGroup(name, help=f"Commands of the {name} plugin: {manager.infos[name].description}")
        for command in commands:
            group.add_command(command)
        groups.append(group)
    return groups
