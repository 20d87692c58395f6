"""Keys that must differ from one territory to another."""

from flask import request

from ptcc.tenancy.context import current_slug_or_platform


def tenant_scoped_ip() -> str:
    """Rate-limit key: the territory and the client address."""
    return f"{current_slug_or_platform()}|{request.remote_addr or '-'}"
