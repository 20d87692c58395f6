"""The ``ptcc`` command: territories, databases, outbox, demo data, plugins (``ptcc.plugins.cli``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup

from ptcc.extensions import db
from ptcc.tenancy import RegistryError, Tenant, state, tenant_context


def main() -> None:
    from flask.cli import routes_command, shell_command

    from ptcc.app import create_app
    from ptcc.cli_run import run_command

    # Flask's shell and routes; its run, preceded by the territories' addresses (ptcc.cli_run).
    cli = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False, help="PTCC administration.")
    for command in (run_command, shell_command, routes_command):
        cli.add_command(command)
    cli.main(prog_name="ptcc")


def register_commands(app) -> None:
    from ptcc import cli_lifecycle
    from ptcc.cli_demo import demo_command

    cli_lifecycle.register(tenant_group)
    app.cli.add_command(tenant_group)
    app.cli.add_command(db_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(demo_command)
    from ptcc.search.cli import search_group

    app.cli.add_command(search_group)
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


@click.group("tenant", cls=AppGroup, help="Create, list, disable, export and delete territories.")
def tenant_group():
    pass


#: Above this many territories, commands print a progress line every so many instead of a
#: line for each territory (failures and changes are always printed).
PROGRESS_EVERY = 50

#: Options of the one-territory form, refused beside --from-file.
SINGLE_FORM_OPTIONS = ("slug", "name", "hosts", "default_locale", "locales", "timezone", "plugins",
                       "database_url", "admin_email", "admin_name")

CREATE_HELP = """Create a territory: write tenants/SLUG/tenant.toml, create and migrate its
database, add its first administrator (a password asked on the terminal, or with
--send-link a set-password e-mail queued in the outbox).

With --from-file FILE (.toml or .csv), create many in one go. Every row is checked before
anything is created; each is then created, skipped (its slug already exists) or refused,
with its line number and the reasons. A row is created completely or not at all, so the
same file can be run again after fixing it. Its administrator, when the row gives
admin_email, gets a set-password e-mail (queued; `ptcc outbox run` sends it).

\b
TOML: one [[territory]] table per territory.
  [[territory]]
  slug = "lyon"
  name = "Lyon Métropole"
  hosts = ["lyon.example.org"]
  locales = ["fr", "en"]
  default_locale = "fr"
  timezone = "Europe/Paris"
  plugins = ["volunteering"]
  admin_email = "admin@lyon.example.org"

\b
CSV: UTF-8, comma-separated, a header row naming the columns (any order).
  slug,name,hosts,locales,default_locale,timezone,plugins,admin_email
  lyon,Lyon Métropole,lyon.example.org,fr;en,fr,Europe/Paris,volunteering,admin@lyon.example.org
  In CSV, list fields (hosts, locales, plugins) are separated by ";" or spaces.

\b
Only slug and name are required. Defaults: locales fr and en, default_locale the
first of locales, timezone Europe/Paris, no host, no plugin, no administrator.
Optional admin_name and database_url columns are read too. Lines starting with #
are ignored in CSV.
"""


@tenant_group.command("create", help=CREATE_HELP)
@click.argument("slug", required=False)
@click.option("--name", help="Display name, e.g. \"Lyon Métropole\".")
@click.option("--host", "hosts", multiple=True, help="Host name (repeatable).")
@click.option("--locale", "default_locale", default="fr", show_default=True)
@click.option("--locales", default="fr,en", show_default=True, help="Offered languages, comma-separated.")
@click.option("--timezone", default="Europe/Paris", show_default=True)
@click.option("--plugin", "plugins", multiple=True, help="Plugin enabled from the start (repeatable).")
@click.option("--database-url", default="", help="This territory's database URL (default: from PTCC_DATABASE_URL).")
@click.option("--admin-email", help="E-mail address of the first administrator.")
@click.option("--admin-name", default="", help="Display name of the first administrator.")
@click.option("--send-link", is_flag=True, help="E-mail a set-password link instead of asking a password.")
@click.option("--from-file", "from_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Create every territory of a .toml or .csv file (format above).")
@click.option("--dry-run", is_flag=True, help="With --from-file: check every row and create nothing.")
@click.option("--jobs", type=click.IntRange(1, 32), default=None,
              help="With --from-file: worker processes  [default: one more than the cores, at most 4]")
@click.pass_context
def tenant_create(ctx, slug, name, hosts, default_locale, locales, timezone, plugins, database_url,
                  admin_email, admin_name, send_link, from_file, dry_run, jobs):
    if from_file is not None:
        given = [param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
                 for param in ctx.command.params if param.name in SINGLE_FORM_OPTIONS
                 and ctx.get_parameter_source(param.name) == click.core.ParameterSource.COMMANDLINE]
        if given:
            raise click.UsageError(f"--from-file takes the territories from the file; drop {', '.join(given)}")
        _create_from_file(from_file, dry_run, jobs)
        return
    if dry_run or jobs is not None:
        raise click.UsageError("--dry-run and --jobs go with --from-file")
    for value, what in ((slug, "argument 'SLUG'"), (name, "option '--name'"), (admin_email, "option '--admin-email'")):
        if not value:
            raise click.UsageError(f"Missing {what}.")
    _create_one(slug, name, hosts, default_locale, locales, timezone, plugins, database_url,
                admin_email, admin_name, send_link)


def _checker():
    from ptcc.tenancy.checks import TerritoryChecker

    return TerritoryChecker(state().registry, current_app.config["PTCC_PLATFORM_HOSTS"],
                            [info.name for info in state().plugins.optional()])


def _create_one(slug, name, hosts, default_locale, locales, timezone, plugins, database_url,
                admin_email, admin_name, send_link):
    """One territory from the command's options."""
    from ptcc import migrate
    from ptcc.tenancy.checks import TerritoryRequest

    registry = state().registry
    if slug in registry:
        raise click.ClickException(f"territory {slug!r} already exists")
    request = TerritoryRequest(slug=slug, name=name, hosts=hosts, locales=tuple(locales.split(",")),
                               default_locale=default_locale, timezone=timezone, plugins=plugins,
                               admin_email=admin_email, admin_name=admin_name,
                               database_url=database_url).normalised()
    # Checked before writing: an invalid host in tenant.toml would stop every later command.
    problems = _checker().problems(request)
    if problems:
        raise click.ClickException("; ".join(problems))
    password = None
    if not send_link:
        if not sys.stdin.isatty() and not current_app.config.get("PTCC_ALLOW_STDIN_PASSWORD", True):
            raise click.ClickException("no terminal to ask a password: use --send-link")
        password = click.prompt("Administrator password", hide_input=True, confirmation_prompt=True)
        if len(password) < 10:
            raise click.ClickException("the password needs at least 10 characters")
    try:
        path = registry.write(request.tenant())
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {path}")
    tenant = registry.get(slug)
    admin_email = request.admin_email
    try:
        migrate.upgrade(tenant)
        click.echo(f"database ready: {_safe_url(state().engines.url_for(tenant))}")
        with tenant_context(tenant):
            from ptcc.accounts.bootstrap import create_first_admin

            create_first_admin(admin_email, request.admin_display_name(), password)
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


def _create_from_file(path: Path, dry_run: bool, jobs: int | None) -> None:
    """Many territories from a file: check every row, then create the valid ones."""
    from ptcc.tenancy import bulk
    from ptcc.tenancy.territory_file import TerritoryFileError, read_territory_file

    try:
        entries = read_territory_file(path)
    except TerritoryFileError as exc:
        raise click.ClickException(str(exc)) from exc
    planned = bulk.plan(entries, _checker(), state().engines)
    to_create = [p for p in planned if p.action == bulk.CREATE]
    skipped = [p for p in planned if p.action == bulk.SKIP]
    refused = [p for p in planned if p.action == bulk.INVALID]
    click.echo(f"{path.name}: {len(planned)} territories: {len(to_create)} to create, "
               f"{len(skipped)} already exist, {len(refused)} refused")
    for row in planned:
        if row.action == bulk.SKIP:
            click.echo(f"{row.where}: {row.slug}: skipped, already exists")
        elif row.action == bulk.INVALID:
            click.echo(f"{row.where}: {row.slug or '?'}: refused: {'; '.join(row.problems)}")
    if dry_run:
        click.echo("dry run: nothing created")
        raise SystemExit(1 if refused else 0)

    started = time.monotonic()
    created = failed = 0
    if to_create:
        creation = bulk.BulkCreation(current_app._get_current_object(), planned, jobs or bulk.default_jobs())
        workers = f"{creation.jobs} worker processes" if creation.jobs > 1 else "one process"
        click.echo(f"creating {len(to_create)} territories ({workers})")
        try:
            creation.prepare()
        except Exception as exc:
            raise click.ClickException(f"could not prepare the template database, nothing was created: "
                                       f"{_describe(exc)}") from exc
        few = len(to_create) <= PROGRESS_EVERY
        try:
            for index, outcome in enumerate(creation.run(), start=1):
                prefix = f"[{index}/{len(to_create)}] {outcome.slug}"
                if outcome.created:
                    created += 1
                    if few:
                        click.echo(f"{prefix}: created, {outcome.detail}")
                else:
                    failed += 1
                    click.echo(f"{prefix} ({outcome.where}): FAILED: {outcome.detail}")
                if not few and index % PROGRESS_EVERY == 0:
                    click.echo(f"progress: {index}/{len(to_create)} ({time.monotonic() - started:.1f} s)")
        except Exception as exc:  # a worker process died: the rows it had not finished were undone
            raise click.ClickException(f"interrupted after {created} created: {_describe(exc)}; "
                                       "run the same file again to create the rest") from exc
    elapsed = time.monotonic() - started
    rate = f", {created / elapsed:.1f} territories/s" if created and elapsed > 0 else ""
    click.echo(f"created {created}, skipped {len(skipped)} (already exist), failed {failed + len(refused)} "
               f"in {elapsed:.1f} s{rate}")
    if created and any(p.request.admin_email for p in to_create) and not current_app.config["PTCC_OUTBOX_INLINE"]:
        click.echo("send the set-password e-mails with `ptcc outbox run`")
    if failed or refused:
        raise SystemExit(1)


@tenant_group.command("list")
def tenant_list():
    """Every territory with its hosts, database and migration state."""
    from ptcc.migrate import Migrator, migration_state

    registry = state().registry
    if not len(registry):
        click.echo("no territory; create one with `ptcc tenant create`")
        return
    migrator = Migrator()
    for tenant in registry:
        try:
            status = migration_state(tenant, migrator)
        except Exception as exc:
            status = f"unreachable ({type(exc).__name__})"
        click.echo(f"{tenant.slug}\t{tenant.name}\thosts={','.join(tenant.hosts) or '-'}\t"
                   f"db={_safe_url(state().engines.url_for(tenant))}\t{status}"
                   + (", disabled" if tenant.disabled else ""))


def _describe(exc: BaseException) -> str:
    """One line for a progress report: the type and the first line of the driver's message."""
    from ptcc.tenancy.reports import describe

    return describe(exc)


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
    """Migrate the named territories (all by default); a failure does not stop the others.

    Says for each territory "up to date", "migrated (from → to)" or "FAILED: reason",
    then the counts and the time taken. Beyond 50 territories, the up-to-date ones are
    only counted and a progress line comes every 50. Exits with 1 when any failed.
    """
    from ptcc import migrate

    tenants = _selected_tenants(slugs)
    migrator = migrate.Migrator()
    counts = {"migrated": 0, "up to date": 0, "failed": 0}
    few = len(tenants) <= PROGRESS_EVERY
    started = time.monotonic()
    for index, tenant in enumerate(tenants, start=1):
        prefix = f"[{index}/{len(tenants)}] {tenant.slug}: "
        try:
            result = migrator.upgrade(tenant)
        except Exception as exc:
            counts["failed"] += 1
            click.echo(f"{prefix}FAILED: {_describe(exc)}")
        else:
            if result.changed:
                counts["migrated"] += 1
                click.echo(f"{prefix}migrated ({_revisions(result.before)} → {_revisions(result.after)})")
            else:
                counts["up to date"] += 1
                if few:
                    click.echo(f"{prefix}up to date")
        finally:
            # One engine at a time: a thousand territories must not keep a thousand open.
            state().engines.forget(tenant)
        if not few and index % PROGRESS_EVERY == 0:
            click.echo(f"progress: {index}/{len(tenants)} ({time.monotonic() - started:.1f} s)")
    elapsed = time.monotonic() - started
    click.echo(f"{len(tenants)} territories in {elapsed:.1f} s: {counts['migrated']} migrated, "
               f"{counts['up to date']} up to date, {counts['failed']} failed")
    if counts["failed"]:
        raise SystemExit(1)


def _revisions(revisions) -> str:
    return ", ".join(sorted(revisions)) or "base"


@db_group.command("budget")
@click.option("--gunicorn-config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Read workers and threads from this gunicorn configuration  [default: config/gunicorn.conf.py]")
@click.option("--workers", type=click.IntRange(1), default=None, help="Worker processes (overrides the file).")
@click.option("--threads", type=click.IntRange(1), default=None,
              help="Requests at once per worker (overrides the file).")
def db_budget(gunicorn_config, workers, threads):
    """PostgreSQL connections the web workers may open, against each server's max_connections.

    workers × min(PTCC_ENGINE_CACHE_SIZE, territories on the server) ×
    min(PTCC_DB_POOL_SIZE + PTCC_DB_MAX_OVERFLOW, threads). gunicorn logs the same
    check when it starts. Exits with 1 when a server's budget is exceeded.
    """
    from ptcc.app import PROJECT_ROOT
    from ptcc.tenancy.budget import budgets, gunicorn_settings

    path = gunicorn_config or PROJECT_ROOT / "config" / "gunicorn.conf.py"
    file_workers, file_threads = gunicorn_settings(path) if path.is_file() else (1, 1)
    if gunicorn_config is None and not path.is_file():
        click.echo(f"{path} not found: 1 worker, 1 thread unless --workers and --threads say otherwise")
    found = budgets(current_app._get_current_object(), workers or file_workers, threads or file_threads)
    if not found:
        click.echo("no territory on PostgreSQL: no connection budget to check")
        return
    for budget in found:
        click.echo(f"{budget.server}: {budget.formula()}")
        click.echo(f"{budget.server}: {budget.verdict()}")
    if any(budget.over for budget in found):
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
