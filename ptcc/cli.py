"""The ``ptcc`` command: territories, databases, outbox, demo data, plugins (``ptcc.plugins.cli``)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup

from ptcc.extensions import db
from ptcc.tenancy import RegistryError, Tenant, state, tenant_context
from ptcc.tenancy.registry import HOST_RE, validate_slug


def main() -> None:
    from ptcc.app import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=True, help="PTCC administration.")
    cli.main(prog_name="ptcc")


def register_commands(app) -> None:
    from ptcc.cli_demo import demo_command

    app.cli.add_command(tenant_group)
    app.cli.add_command(db_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(demo_command)
    from ptcc.plugins.cli import plugin_command_groups, plugin_group

    app.cli.add_command(plugin_group)
    for group in plugin_command_groups(app.extensions["ptcc"].plugins):
        if group.name in app.cli.commands:
            raise RuntimeError(f"plugin {group.name!r}: its command group would hide `ptcc {group.name}`")
        app.cli.add_command(group)


def _selected_tenants(slugs: tuple[str, ...]) -> list[Tenant]:
    registry = state().registry
    if not slugs:
        return list(registry)
    unknown = [s for s in slugs if s not in registry]
    if unknown:
        raise click.BadParameter(f"unknown territory: {', '.join(unknown)}", param_hint="TENANT")
    return [registry.get(s) for s in slugs]


# --- ptcc tenant ---------------------------------------------------------------------


@click.group("tenant", cls=AppGroup, help="Create and list territories.")
def tenant_group():
    pass


@tenant_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. \"Lyon Métropole\".")
@click.option("--host", "hosts", multiple=True, help="Host name (repeatable).")
@click.option("--locale", "default_locale", default="fr", show_default=True)
@click.option("--locales", default="fr,en", show_default=True, help="Offered languages, comma-separated.")
@click.option("--timezone", default="Europe/Paris", show_default=True)
@click.option("--plugin", "plugins", multiple=True, help="Plugin enabled from the start (repeatable).")
@click.option("--database-url", default="", help="This territory's database URL (default: from PTCC_DATABASE_URL).")
@click.option("--admin-email", required=True)
@click.option("--admin-name", default="", help="Display name of the first administrator.")
@click.option("--send-link", is_flag=True, help="E-mail a set-password link instead of asking a password.")
def tenant_create(slug, name, hosts, default_locale, locales, timezone, plugins, database_url,
                  admin_email, admin_name, send_link):
    """Write tenants/SLUG/tenant.toml, create and migrate the database, add the first administrator."""
    from ptcc import migrate

    registry = state().registry
    if slug in registry:
        raise click.ClickException(f"territory {slug!r} already exists")
    try:
        validate_slug(slug)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    hosts = tuple(h.strip().lower() for h in hosts)
    for host in hosts:
        # Checked before writing: an invalid host in tenant.toml would stop every later command.
        if not HOST_RE.match(host):
            raise click.ClickException(f"invalid host name {host!r}")
        if host in {h.lower() for h in current_app.config["PTCC_PLATFORM_HOSTS"]}:
            raise click.ClickException(f"host {host!r} is a platform host (PTCC_PLATFORM_HOSTS)")
        owner = registry.by_host(host)
        if owner is not None:
            raise click.ClickException(f"host {host!r} already belongs to {owner.slug}")
    offered = tuple(code.strip() for code in locales.split(",") if code.strip())
    if default_locale not in offered:
        raise click.ClickException(f"--locale {default_locale} is not among --locales {locales}")
    password = None
    if not send_link:
        if not sys.stdin.isatty() and not current_app.config.get("PTCC_ALLOW_STDIN_PASSWORD", True):
            raise click.ClickException("no terminal to ask a password: use --send-link")
        password = click.prompt("Administrator password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise click.ClickException("the password needs at least 10 characters")
    tenant = Tenant(slug=slug, name=name, hosts=hosts, default_locale=default_locale,
                    locales=offered, timezone=timezone, plugins=tuple(plugins), database_url=database_url)
    try:
        path = registry.write(tenant)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {path}")
    tenant = registry.get(slug)
    try:
        migrate.upgrade(tenant)
        click.echo(f"database ready: {_safe_url(state().engines.url_for(tenant))}")
        with tenant_context(tenant):
            from ptcc.accounts.bootstrap import create_first_admin

            create_first_admin(admin_email, admin_name or admin_email.split("@")[0], password)
            db.session.commit()
            if send_link and current_app.config["PTCC_OUTBOX_INLINE"]:
                from ptcc.outbox.services import drain

                drain()
    except Exception as exc:
        click.echo(f"error: {exc}", err=True)
        click.echo(f"tenant.toml kept at {path}; fix the cause and run `ptcc db upgrade {slug}`.", err=True)
        raise SystemExit(1)
    click.echo(f"administrator {admin_email} created" + (" (set-password link queued in the outbox)" if send_link else ""))
    if send_link and not current_app.config["PTCC_OUTBOX_INLINE"]:
        click.echo(f"send it with `ptcc outbox run {slug}`")


@tenant_group.command("list")
def tenant_list():
    """Every territory with its hosts, database and migration state."""
    from ptcc.migrate import migration_state

    registry = state().registry
    if not len(registry):
        click.echo("no territory; create one with `ptcc tenant create`")
        return
    for tenant in registry:
        try:
            status = migration_state(tenant)
        except Exception as exc:
            status = f"unreachable ({type(exc).__name__})"
        click.echo(f"{tenant.slug}\t{tenant.name}\thosts={','.join(tenant.hosts) or '-'}\t"
                   f"db={_safe_url(state().engines.url_for(tenant))}\t{status}")


def _describe(exc: BaseException) -> str:
    """One line for a progress report: the type and the first line of the driver's message."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return f"{type(exc).__name__}: {message.splitlines()[0] if message else ''}".rstrip(": ")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- ptcc db -------------------------------------------------------------------------


@click.group("db", cls=AppGroup, help="Database migrations of every territory.")
def db_group():
    pass


@db_group.command("upgrade")
@click.argument("slugs", nargs=-1, metavar="[TENANT]...")
def db_upgrade(slugs):
    """Migrate the named territories (all by default); a failure does not stop the others."""
    from ptcc import migrate

    tenants = _selected_tenants(slugs)
    failed = []
    for index, tenant in enumerate(tenants, start=1):
        click.echo(f"[{index}/{len(tenants)}] {tenant.slug}: ", nl=False)
        try:
            migrate.upgrade(tenant)
        except Exception as exc:
            failed.append(tenant.slug)
            click.echo(f"FAILED: {_describe(exc)}")
        else:
            click.echo("up to date")
    click.echo(f"{len(tenants) - len(failed)} migrated, {len(failed)} failed")
    if failed:
        raise SystemExit(1)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--plugin", "owner", default="core", show_default=True, help="Whose branch: core or a plugin name.")
def db_revision(message, owner):
    """Autogenerate a migration from the models (for developers)."""
    from ptcc import migrate

    for path in migrate.new_revision(message, owner):
        click.echo(f"wrote {path}")


@db_group.command("check")
@click.argument("slugs", nargs=-1, metavar="[TENANT]...")
def db_check(slugs):
    """Report differences between the models and each territory's schema."""
    from ptcc import migrate

    drifted = 0
    for tenant in _selected_tenants(slugs):
        diffs = migrate.schema_drift(tenant)
        drifted += bool(diffs)
        click.echo(f"{tenant.slug}: {'no drift' if not diffs else f'{len(diffs)} difference(s)'}")
        for diff in diffs:
            click.echo(f"  {diff}")
    if drifted:
        raise SystemExit(1)


# --- ptcc outbox ---------------------------------------------------------------------


@click.group("outbox", cls=AppGroup, help="Queued e-mails.")
def outbox_group():
    pass


@outbox_group.command("run")
@click.argument("slugs", nargs=-1, metavar="[TENANT]...")
@click.option("--limit", default=500, show_default=True, help="Most messages per territory.")
def outbox_run(slugs, limit):
    """Send due messages of the named territories (all by default)."""
    from ptcc.outbox.services import drain, pending_count

    total_sent = total_failed = 0
    for tenant in _selected_tenants(slugs):
        try:
            with tenant_context(tenant):
                sent, failed = drain(limit=limit)
                left = pending_count()
        except Exception as exc:
            click.echo(f"{tenant.slug}: FAILED: {_describe(exc)}")
            total_failed += 1
            continue
        total_sent += sent
        total_failed += failed
        click.echo(f"{tenant.slug}: {sent} sent, {failed} failed, {left} waiting")
    if total_failed:
        raise SystemExit(1)
