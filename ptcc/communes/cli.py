"""``ptcc communes import | unmatched | assign``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ptcc.extensions import db


def _tenants(slug: str | None, every: bool):
    from ptcc.tenancy import state

    registry = state().registry
    if bool(slug) == every:
        raise click.UsageError("give --tenant SLUG or --all")
    if every:
        return list(registry)
    tenant = registry.get(slug)
    if tenant is None:
        raise click.BadParameter(f"unknown territory: {slug}", param_hint="--tenant")
    return [tenant]


def _print_unmatched(unmatched) -> None:
    if not unmatched:
        return
    click.echo(f"  {len(unmatched)} organisation(s) keep a commune that is not on the list; choose it in the "
               "organisation's profile (owners) or with `ptcc communes assign`:")
    for item in unmatched:
        hint = f" — perhaps {', '.join(item.suggestions)}" if item.suggestions else ""
        click.echo(f"    {item.slug}: {item.commune!r}{hint}")


IMPORT_HELP = """Import the communes a territory declares in its tenant.toml ([communes]: epci and/or
departements) from the official list, then link its organisations' free-text communes.

Idempotent: communes are added, renamed or updated by INSEE code; communes that left the
declared areas are removed unless an organisation uses them. Organisations whose commune
matches none are listed (they keep their text)."""


@click.command("import", help=IMPORT_HELP)
@with_appcontext
@click.option("--tenant", "slug", metavar="SLUG", help="The territory to import.")
@click.option("--all", "every", is_flag=True, help="Every territory that declares communes.")
@click.option("--source", type=click.Path(file_okay=False, path_type=str), metavar="DIRECTORY",
              help="Folder with communes.json and epci.json (default: PTCC_COMMUNES_SOURCE, the npm package's).")
def import_command(slug, every, source):
    from ptcc.communes.services import declared_areas, default_source, import_communes
    from ptcc.communes.source import SourceError, read_communes
    from ptcc.tenancy import tenant_context

    tenants = _tenants(slug, every)
    folder = source or str(default_source())
    failed = False
    for tenant in tenants:
        with tenant_context(tenant.slug):
            try:
                areas = declared_areas(tenant)
            except ValueError as exc:
                click.echo(f"{tenant.slug}: {exc}", err=True)
                failed = True
                continue
            if not areas:
                click.echo(f"{tenant.slug}: declares no communes in its tenant.toml ([communes]), skipped")
                if not every:
                    failed = True
                continue
            click.echo(f"{tenant.slug}: {areas.describe()}")
            try:
                records = read_communes(folder, areas)
            except SourceError as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(f"  {len(records)} communes in the official list ({folder})")
            try:
                report = import_communes(records)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            click.echo(f"  {report.added} added, {len(report.renamed)} renamed, {report.updated} updated, "
                       f"{report.unchanged} unchanged, {report.removed} removed")
            for code, old, new in report.renamed:
                click.echo(f"    renamed {code}: {old} → {new}")
            if report.kept:
                click.echo(f"  kept, no longer declared but used by organisations: {', '.join(report.kept)}")
            click.echo(f"  {report.linked} organisation(s) linked to their commune")
            _print_unmatched(report.unmatched)
    if failed:
        raise SystemExit(1)


@click.command("unmatched", help="List the organisations whose commune is not one of the territory's communes.")
@with_appcontext
@click.option("--tenant", "slug", metavar="SLUG", help="The territory.")
@click.option("--all", "every", is_flag=True, help="Every territory.")
def unmatched_command(slug, every):
    from ptcc.communes.services import unmatched_organisations
    from ptcc.tenancy import tenant_context

    for tenant in _tenants(slug, every):
        with tenant_context(tenant.slug):
            unmatched = unmatched_organisations()
            click.echo(f"{tenant.slug}: {len(unmatched)} organisation(s) without a commune from the list")
            _print_unmatched(unmatched)


@click.command("assign", help="Give an organisation one of the territory's communes (by INSEE code).")
@with_appcontext
@click.option("--tenant", "slug", metavar="SLUG", required=True, help="The territory.")
@click.argument("organisation")
@click.argument("code")
def assign_command(slug, organisation, code):
    from ptcc.communes.services import assign_commune
    from ptcc.errors import NotFound, ServiceError
    from ptcc.tenancy import tenant_context

    _tenants(slug, False)
    with tenant_context(slug):
        try:
            found = assign_commune(organisation, code)
            db.session.commit()
        except (ServiceError, NotFound) as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        click.echo(f"{slug}: {found.slug} is in {found.commune} ({found.commune_code})")
