"""Which territory a request is for: its Host, or ``/t/<slug>/`` on a platform host.

The decision is taken in WSGI middleware, before Flask opens the session, because
the session cookie itself is signed per territory.
"""

from __future__ import annotations

import re

from flask import abort, g, request

from ptcc.tenancy.registry import Tenant, TenantRegistry

PREFIX_RE = re.compile(r"^/t/([a-z][a-z0-9-]{1,39})(/.*)?$")
#: A Host header as RFC 9110 allows it for us: a DNS name or an IP literal, an optional port.
#: Anything else (user info, spaces, a second host) selects no territory.
HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
                     r"|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$")

#: Endpoints that answer on a platform host without a territory.
PLATFORM_ENDPOINTS = {"web.index", "web.platform_index", "static", "web.health"}


def split_host(raw: str) -> str:
    """The host name of a Host header without its port; "" for a malformed header."""
    host = (raw or "").strip().lower()
    if not HOST_RE.match(host):
        return ""
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


class TenantResolverMiddleware:
    """Sets ``environ['ptcc.tenant']`` and ``environ['ptcc.site']``.

    ``ptcc.site`` is "tenant", "platform" or "unknown"; for a ``/t/<slug>``
    request the prefix moves from PATH_INFO into SCRIPT_NAME so that every
    generated URL keeps it.
    """

    def __init__(self, wsgi_app, registry: TenantRegistry, platform_hosts, allow_prefix: bool):
        self.wsgi_app = wsgi_app
        self.registry = registry
        self.platform_hosts = {h.lower() for h in platform_hosts}
        self.allow_prefix = allow_prefix

    def resolve(self, environ) -> tuple[str, Tenant | None]:
        # Territories created, changed or removed by the CLI since: rate-limited (registry.py).
        self.registry.refresh()
        host = split_host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        tenant = self.registry.by_host(host)
        if tenant is not None:
            return "tenant", tenant
        if host not in self.platform_hosts:
            return "unknown", None
        match = PREFIX_RE.match(environ.get("PATH_INFO", "")) if self.allow_prefix else None
        if match is None:
            return "platform", None
        tenant = self.registry.get(match.group(1))
        if tenant is None:
            return "unknown", None
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + f"/t/{tenant.slug}"
        environ["PATH_INFO"] = match.group(2) or "/"
        return "tenant", tenant

    def __call__(self, environ, start_response):
        site, tenant = self.resolve(environ)
        environ["ptcc.site"] = site
        environ["ptcc.tenant"] = tenant
        return self.wsgi_app(environ, start_response)


def bind_request_tenant():
    """First before_request: copy the middleware's decision into ``g``, 404 otherwise."""
    site = request.environ.get("ptcc.site", "unknown")
    g.ptcc_tenant = request.environ.get("ptcc.tenant")
    if site == "unknown":
        abort(404)
    if site == "platform" and request.endpoint not in PLATFORM_ENDPOINTS:
        abort(404)
    if site == "tenant" and g.ptcc_tenant.disabled and request.endpoint != "static":
        return territory_unavailable()
    if site == "tenant" and request.endpoint != "static":
        from ptcc.tenancy import state

        if not state().engines.is_migrated(g.ptcc_tenant):
            abort(503)


#: Seconds a client is asked to wait before trying a disabled territory again.
RETRY_AFTER_SECONDS = 3600


def territory_unavailable():
    """The 503 page of a disabled territory (``ptcc tenant disable``). Drawn as a platform
    page: nothing of the territory is read, its database may be being exported or removed."""
    from flask_babel import gettext as _

    from ptcc.web.errors import render_error

    g.ptcc_tenant = None
    response, code = render_error(503, _("This territory is temporarily unavailable. Please come back later."))
    if isinstance(response, dict):
        from flask import jsonify

        response = jsonify(response)
    else:
        from flask import make_response

        response = make_response(response)
    response.status_code = code
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
