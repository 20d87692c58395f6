"""The current territory: set once per request or by ``tenant_context`` in CLI and jobs."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import current_app, g, has_app_context
from werkzeug.local import LocalProxy

from ptcc.tenancy.registry import Tenant


class NoTenantError(RuntimeError):
    """Territory data was touched where no territory is selected."""


class UnknownTenantError(LookupError):
    """No territory with that slug in the registry."""


def get_current_tenant() -> Tenant:
    tenant = g.get("ptcc_tenant") if has_app_context() else None
    if tenant is None:
        raise NoTenantError(
            "No territory is selected: database access needs a request on a territory's "
            "host or `with tenant_context(slug):`."
        )
    return tenant


def has_tenant() -> bool:
    return has_app_context() and g.get("ptcc_tenant") is not None


def current_slug_or_platform() -> str:
    return g.ptcc_tenant.slug if has_tenant() else "-platform-"


current_tenant: Tenant = LocalProxy(get_current_tenant)  # type: ignore[assignment]


@contextmanager
def tenant_context(tenant: str | Tenant, app=None) -> Iterator[Tenant]:
    """Run a block inside one territory, with a database session of its own.

    A fresh application context gives the block its own ``g`` and its own
    SQLAlchemy session, removed (and its connection returned) on exit, so that
    nothing of one territory leaks into the next one a CLI loop visits.
    """
    app = app or current_app._get_current_object()
    if isinstance(tenant, str):
        found = app.extensions["ptcc"].registry.get(tenant)
        if found is None:
            raise UnknownTenantError(f"unknown territory {tenant!r}")
        tenant = found
    with app.app_context():
        g.ptcc_tenant = tenant
        yield tenant
