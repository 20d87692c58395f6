"""Absolute URLs for e-mails, from a request or from the CLI."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from ptcc.tenancy import current_tenant


def territory_base_url() -> str:
    """Where the current territory is reached: its first host, else the platform prefix."""
    tenant = current_tenant._get_current_object()
    scheme = current_app.config["PTCC_PUBLIC_SCHEME"]
    if tenant.hosts:
        return f"{scheme}://{tenant.hosts[0]}"
    return f"{current_app.config['PTCC_PLATFORM_URL'].rstrip('/')}/t/{tenant.slug}"


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = territory_base_url()
    scheme, _, rest = base.partition("://")
    host, _, prefix = rest.partition("/")
    with current_app.test_request_context(base_url=f"{scheme}://{host}", environ_overrides={"SCRIPT_NAME": f"/{prefix}" if prefix else ""}):
        return url_for(endpoint, _external=True, **values)
