"""Absolute URLs for e-mails, feeds and open data (see ``ptcc.tenancy.addresses``)."""

from ptcc.tenancy.addresses import canonical_host, external_url, territory_base_url

__all__ = ["canonical_host", "external_url", "territory_base_url"]
