"""``ptcc tenant disable|enable|export|delete``: a territory after its creation (``ptcc.tenancy.lifecycle``)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ptcc.tenancy import state
from ptcc.tenancy.lifecycle import (
    LifecycleError,
    export_territory,
    remove_files,
    remove_sqlite_leftovers,
    remove_tenant_folder,
    set_disabled,
)


def register(tenant_group) -> None:
    for command in (tenant_disable, tenant_enable, tenant_export, tenant_delete):
        tenant_group.add_command(command)


def _tenant(slug: str):
    tenant = state().registry.get(slug)
    if tenant is None:
        raise click.ClickException(f"unknown territory {slug!r} (see `ptcc tenant list`)")
    return tenant


def _recheck_seconds() -> int:
    return max(0, int(current_app.config["PTCC_TENANTS_RECHECK_SECONDS"]))


@click.command("disable")
@with_appcontext
@click.argument("slug")
def tenant_disable(slug):
    """Take a territory offline: every page answers 503 "temporarily unavailable".

    Written in its tenant.toml (`disabled = true`), so it survives restarts; running
    servers notice within PTCC_TENANTS_RECHECK_SECONDS. Nothing is deleted.
    """
    _tenant(slug)
    if not set_disabled(state().registry, slug, True):
        click.echo(f"{slug}: already disabled")
        return
    click.echo(f"{slug}: disabled; running servers answer 503 \"temporarily unavailable\" within "
               f"{_recheck_seconds()} s. `ptcc tenant enable {slug}` serves it again.")


@click.command("enable")
@with_appcontext
@click.argument("slug")
def tenant_enable(slug):
    """Serve a disabled territory again."""
    _tenant(slug)
    if not set_disabled(state().registry, slug, False):
        click.echo(f"{slug}: already enabled")
        return
    click.echo(f"{slug}: enabled; running servers serve it again within {_recheck_seconds()} s.")


OUTPUT_HELP = "Archive to write  [default: <instance>/exports/SLUG-<UTC time>.tar.gz]"


@click.command("export")
@with_appcontext
@click.argument("slug")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help=OUTPUT_HELP)
def tenant_export(slug, output):
    """Write a full export of a territory: tenant.toml, its database (a SQLite copy or a
    pg_dump custom archive), its uploaded files and a manifest, in one .tar.gz."""
    export = _export(_tenant(slug), output)
    click.echo(f"export written: {export.path} ({export.size:,} bytes)")


def _export(tenant, output):
    try:
        return export_territory(tenant, state().registry, state().engines,
                                Path(current_app.config["PTCC_INSTANCE_PATH"]), output,
                                echo=lambda line: click.echo(f"  {line}"))
    except LifecycleError as exc:
        raise click.ClickException(f"export failed: {exc}") from exc


@click.command("delete")
@with_appcontext
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask to type the slug.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help=OUTPUT_HELP)
def tenant_delete(slug, yes, output):
    """Delete a territory for good, after writing a full export (as `ptcc tenant export`).

    Asks to type the slug unless --yes. The territory is disabled first, then exported; if
    the export fails nothing is deleted. Then its database (SQLite file or PostgreSQL
    database), its files under the instance folder and its tenants/SLUG folder are removed.
    """
    from ptcc.cli import _safe_url
    from ptcc.cli_demo import _drop_database

    tenant = _tenant(slug)
    registry, engines = state().registry, state().engines
    instance = Path(current_app.config["PTCC_INSTANCE_PATH"])
    click.echo(f"Deleting {tenant.name} ({slug}): database {_safe_url(engines.url_for(tenant))}, "
               f"its files, {registry.root / slug}. A full export is written first.")
    if not yes:
        typed = click.prompt(f"Type {slug} to confirm", default="", show_default=False)
        if typed.strip() != slug:
            raise click.ClickException("the slug typed does not match: nothing deleted")

    was_disabled = tenant.disabled
    set_disabled(registry, slug, True)
    wait = _recheck_seconds()
    click.echo(f"[1/5] disabled: servers stop serving it within {wait} s")
    time.sleep(wait + 0.5 if wait else 0)  # no request writes while the export is taken
    click.echo("[2/5] exporting")
    try:
        export = _export(tenant, output)
    except click.ClickException:
        if not was_disabled:
            set_disabled(registry, slug, False)
        click.echo(f"{slug}: nothing deleted" + ("" if was_disabled else ", enabled again"), err=True)
        raise
    click.echo(f"  export written: {export.path} ({export.size:,} bytes)")
    try:
        url = engines.url_for(tenant)
        _drop_database(tenant)
        remove_sqlite_leftovers(url)
        click.echo("[3/5] database deleted")
        folders = remove_files(instance, slug)
        click.echo(f"[4/5] files deleted: {', '.join(str(f.relative_to(instance)) for f in folders) or 'none'}")
        folder = remove_tenant_folder(registry, slug)
        click.echo(f"[5/5] {folder} deleted")
    except Exception as exc:
        raise click.ClickException(f"deletion stopped: {type(exc).__name__}: {exc}; the territory stays "
                                   f"disabled, its export is {export.path}; run the same command again") from exc
    click.echo(f"{slug} deleted; its export: {export.path}")
