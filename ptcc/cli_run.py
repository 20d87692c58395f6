"""``ptcc run``: Flask's development server, saying first where each territory answers.

The addresses printed carry the port the server listens on. Unless ``PTCC_PLATFORM_URL`` is
given (environment or ``PTCC_CONFIG``), it becomes ``http://localhost:<port>``, so that
e-mailed links carry that port too; a given one whose port differs is pointed out.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import click
from flask.cli import ScriptInfo
from flask.cli import run_command as flask_run_command
from werkzeug.serving import is_running_from_reloader


def address_lines(app, port: int) -> list[str]:
    """What ``ptcc run`` prints before serving: the platform page, every territory's
    addresses, and where e-mailed links point."""
    from ptcc.tenancy.addresses import served_addresses

    config = app.config
    registry = app.extensions["ptcc"].registry
    platform_host = (config["PTCC_PLATFORM_HOSTS"] or ["localhost"])[0]
    lines = [f"PTCC on port {port}: the platform page is http://{platform_host}:{port}/"]
    if not len(registry):
        lines.append("  no territory yet; create one with `ptcc tenant create`")
    for tenant in registry:
        state = " (disabled: answers 503)" if tenant.disabled else ""
        lines.append(f"  {tenant.name}{state}: {'  or  '.join(served_addresses(tenant, config, port))}")
    platform = urlsplit(config["PTCC_PLATFORM_URL"])
    lines.append(f"E-mailed links start with {config['PTCC_PLATFORM_URL'].rstrip('/')} "
                 f"(PTCC_PLATFORM_URL) or a territory's host on port {platform.port or 'none'}.")
    if platform.port != port:
        lines.append(f"warning: PTCC_PLATFORM_URL's port ({platform.port or 'none'}) is not the port served "
                     f"({port}): links in e-mails will not reach this server.")
    recheck = config["PTCC_TENANTS_RECHECK_SECONDS"]
    if recheck >= 0:
        lines.append(f"Territories created, disabled or deleted meanwhile are seen within {recheck} s, without a restart.")
    return lines


def _run(**options):
    ctx = click.get_current_context()
    port = options["port"]
    if not is_running_from_reloader():  # the reloader's child would say it all again
        if "PTCC_PLATFORM_URL" not in os.environ and not os.environ.get("PTCC_CONFIG"):
            os.environ["PTCC_PLATFORM_URL"] = f"http://localhost:{port}"
        app = ctx.ensure_object(ScriptInfo).load_app()
        with app.app_context():
            for line in address_lines(app, port):
                click.echo(line)
    ctx.invoke(flask_run_command, **options)


run_command = click.Command(
    "run", callback=_run, params=list(flask_run_command.params),
    help="Run the development server; first print every territory's addresses on the port served.")
