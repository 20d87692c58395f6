"""``ptcc search reindex``: rebuild the search index of every territory (or some)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from ptcc.extensions import db
from ptcc.tenancy import state, tenant_context

#: Inside a territory with at least this many objects of a kind, a progress line every so many.
PROGRESS_OBJECTS = 10_000


@click.group("search", cls=AppGroup, help="The search index of every territory.")
def search_group():
    pass


@search_group.command("reindex")
@click.option("--tenant", "slugs", multiple=True, metavar="SLUG",
              help="Only this territory (repeatable); every territory by default.")
def reindex_command(slugs):
    """Rebuild the search index from every plugin's sources, territory by territory.

    Each territory is rebuilt in one transaction (all or nothing) and a failure does not
    stop the others. Says for each territory how many documents of each kind it indexed
    and removed; beyond 50 territories, a progress line every 50 instead (failures always
    named). Inside a territory, a line every 10,000 objects of a kind. Exits with 1 when any failed.
    """
    from ptcc.cli import PROGRESS_EVERY, _describe
    from ptcc.search.rebuild import rebuild

    registry = state().registry
    unknown = [slug for slug in slugs if slug not in registry]
    if unknown:
        raise click.BadParameter(f"unknown territory: {', '.join(unknown)}", param_hint="'--tenant'")
    tenants = [registry.get(slug) for slug in dict.fromkeys(slugs)] if slugs else list(registry)
    if not tenants:
        click.echo("no territory; create one with `ptcc tenant create`")
        return
    few = len(tenants) <= PROGRESS_EVERY
    started = time.monotonic()
    failed = 0
    for index, tenant in enumerate(tenants, start=1):
        prefix = f"[{index}/{len(tenants)}] {tenant.slug}: "
        printed: dict[str, int] = {}

        def progress(kind, done, total, prefix=prefix, printed=printed):
            if total < PROGRESS_OBJECTS:
                return
            step = done // PROGRESS_OBJECTS
            if done == total or step > printed.get(kind, 0):
                printed[kind] = step
                click.echo(f"{prefix}{kind} {done}/{total}")

        try:
            with tenant_context(tenant):
                report = rebuild(db.session, progress=progress)
                db.session.commit()
        except Exception as exc:
            failed += 1
            click.echo(f"{prefix}FAILED: {_describe(exc)}")
        else:
            if few:
                click.echo(prefix + report.summary())
        finally:
            state().engines.forget(tenant)
        if not few and index % PROGRESS_EVERY == 0:
            click.echo(f"progress: {index}/{len(tenants)} ({time.monotonic() - started:.1f} s)")
    click.echo(f"{len(tenants)} territories in {time.monotonic() - started:.1f} s: "
               f"{len(tenants) - failed} reindexed, {failed} failed")
    if failed:
        raise SystemExit(1)
