"""``ptcc demo``: the two demo territories, migrated and filled with realistic content."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

#: The demo territories, in the order they are built (their tenant.toml are in tenants/).
DEMO_TERRITORIES = ("lyon", "broceliande")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the demo territories' databases and build them again.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (with --reset).")
@with_appcontext
def demo_command(reset: bool, yes: bool):
    """Create the demo territories with realistic content (nothing is duplicated when run again)."""
    from ptcc import migrate
    from ptcc.demo.builder import build_territory, has_people
    from ptcc.demo.content import DEMO_PASSWORD, TERRITORIES
    from ptcc.extensions import db
    from ptcc.tenancy import state, tenant_context

    registry = state().registry
    tenants = [registry.get(slug) for slug in DEMO_TERRITORIES if slug in registry]
    if not tenants:
        raise click.ClickException(
            f"no demo territory in {registry.root}: expected {', '.join(f'{s}/tenant.toml' for s in DEMO_TERRITORIES)}"
        )
    for slug in DEMO_TERRITORIES:
        if slug not in registry:
            click.echo(f"{slug}: no {registry.root / slug / 'tenant.toml'}, skipped")
    if reset and not yes:
        names = ", ".join(t.name for t in tenants)
        click.confirm(f"Delete every piece of data of {names} and build them again?", abort=True)

    failed = []
    for tenant in tenants:
        click.echo(f"{tenant.name} ({tenant.slug})")
        try:
            if reset:
                _drop_database(tenant)
                click.echo("  database deleted")
            migrate.upgrade(tenant)
            click.echo("  database migrated")
            with tenant_context(tenant):
                if has_people():
                    click.echo("  already has data, skipped (use --reset to build it again)")
                    continue
                summary = build_territory(TERRITORIES[tenant.slug])
                for lines in state().plugins.hook("ptcc_demo_content")():
                    summary += lines or []
                db.session.commit()
        except Exception as exc:
            failed.append(tenant.slug)
            click.echo(f"  FAILED: {type(exc).__name__}: {exc}")
            continue
        for line in summary:
            click.echo(f"  {line}")

    _print_addresses(tenants, TERRITORIES, DEMO_PASSWORD)
    if failed:
        raise SystemExit(1)


def _drop_database(tenant) -> None:
    from sqlalchemy.engine import make_url

    from ptcc.tenancy import state

    engines = state().engines
    url = make_url(engines.url_for(tenant))
    engines.forget(tenant)
    if url.get_backend_name() == "postgresql":
        _close_other_connections(url)
    engines.drop_database(tenant)
    if url.get_backend_name() == "sqlite" and url.database:
        # A write-ahead log left beside a deleted file must not meet the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(url.database + suffix).unlink(missing_ok=True)


def _close_other_connections(url) -> None:
    """A running development server keeps connections open; PostgreSQL refuses to drop a
    database in use. The demo database is being thrown away, so they are ended."""
    import sqlalchemy as sa
    from sqlalchemy_utils import database_exists

    if not database_exists(url):
        return
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": url.database})
    finally:
        engine.dispose()


def _print_addresses(tenants, content, password) -> None:
    from ptcc.tenancy.addresses import served_addresses

    platform = urlsplit(current_app.config["PTCC_PLATFORM_URL"])
    base = current_app.config["PTCC_PLATFORM_URL"].rstrip("/")
    click.echo("")
    click.echo(f"Open {base}/ to see every territory. Demo accounts (password: {password}):")
    for tenant in tenants:
        urls = served_addresses(tenant, current_app.config, platform.port, platform.scheme, base)
        click.echo(f"  {tenant.name}: {'  or  '.join(urls)}")
        for person in content[tenant.slug]["people"]:
            if person["role"] in ("admin", "moderator"):
                click.echo(f"    {person['role']:<10} {person['email']}")
        members = [p["email"] for p in content[tenant.slug]["people"] if p["role"] == "member"]
        click.echo(f"    {'members':<10} {', '.join(members[:2])}, …")
