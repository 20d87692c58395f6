"""A territory's canonical address, for every absolute link the platform hands out.

E-mailed links, calendar feeds and JSON-LD identifiers are built from the territory's
configured host (or the platform URL with its ``/t/<slug>`` prefix), never from the
request's ``Host`` header: that header is the client's to choose, and a link that
follows it can be pointed at any host by whoever sends the request.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app

from ptcc.tenancy.context import get_current_tenant
from ptcc.tenancy.registry import Tenant


def territory_base_url(tenant: Tenant | None = None) -> str:
    """``scheme://host[:port]`` of the territory, or the platform URL and its prefix.

    A territory's own host is served on the platform URL's port (``:5000`` in
    development, none behind a production proxy), with ``PTCC_PUBLIC_SCHEME``.
    """
    tenant = tenant or get_current_tenant()
    config = current_app.config
    platform = urlsplit(config["PTCC_PLATFORM_URL"])
    if tenant.hosts:
        port = f":{platform.port}" if platform.port else ""
        return f"{config['PTCC_PUBLIC_SCHEME']}://{tenant.hosts[0]}{port}"
    return f"{config['PTCC_PLATFORM_URL'].rstrip('/')}/t/{tenant.slug}"


def canonical_host() -> str:
    """The host name of the territory's canonical address (calendar UIDs, feed ids)."""
    return urlsplit(territory_base_url()).hostname or ""


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` at the current territory's canonical address.

    Works the same in a request, whatever its Host header, and in the CLI.
    """
    base = urlsplit(territory_base_url())
    anchor = values.pop("_anchor", None)
    app = current_app._get_current_object()
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(anchor, safe='')}" if anchor else url


def served_addresses(tenant: Tenant, config, port: int | None, scheme: str = "http",
                     platform_base: str | None = None) -> list[str]:
    """Where a server on ``port`` answers for ``tenant``: each of its hosts, then its
    ``/t/<slug>/`` address (when ``PTCC_PATH_PREFIX`` allows it) under ``platform_base``,
    by default the first platform host on the same port."""
    default = {"http": 80, "https": 443}.get(scheme)
    suffix = f":{port}" if port and port != default else ""
    urls = [f"{scheme}://{host}{suffix}/" for host in tenant.hosts]
    if config["PTCC_PATH_PREFIX"] and (platform_base or config["PTCC_PLATFORM_HOSTS"]):
        base = platform_base or f"{scheme}://{config['PTCC_PLATFORM_HOSTS'][0]}{suffix}"
        urls.append(f"{base.rstrip('/')}/t/{tenant.slug}/")
    return urls
