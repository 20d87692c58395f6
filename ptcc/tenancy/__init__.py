"""Territories (tenants): registry, request resolution, engines and context."""

from flask import current_app

from ptcc.tenancy.context import (
    NoTenantError,
    UnknownTenantError,
    current_tenant,
    get_current_tenant,
    has_tenant,
    tenant_context,
)
from ptcc.tenancy.registry import RegistryError, Tenant, TenantRegistry


class TenancyState:
    """What ``create_app`` keeps in ``app.extensions['ptcc']``."""

    def __init__(self, registry, engines, plugins=None):
        self.registry = registry
        self.engines = engines
        self.plugins = plugins


def state() -> TenancyState:
    return current_app.extensions["ptcc"]


def current_engine():
    return state().engines.get(get_current_tenant())


__all__ = [
    "NoTenantError",
    "RegistryError",
    "Tenant",
    "TenantRegistry",
    "UnknownTenantError",
    "current_engine",
    "current_tenant",
    "get_current_tenant",
    "has_tenant",
    "state",
    "tenant_context",
]
