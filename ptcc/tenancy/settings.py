"""The territory's effective settings: its database row over its tenant.toml.

Every layer reads them (languages, time zone, plugins, theme); only ``ptcc.admin`` edits them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from sqlalchemy.exc import OperationalError, ProgrammingError

from ptcc.caching import cached_per_territory
from ptcc.tenancy.models import TerritorySettings
from ptcc.extensions import db
from ptcc.tenancy import current_tenant

DEFAULT_PRIMARY = "#1f4e8c"
DEFAULT_ACCENT = "#8a3b12"


@dataclass(frozen=True)
class EffectiveSettings:
    name: str
    presentation: str
    locales: tuple[str, ...]
    default_locale: str
    timezone: str
    primary_color: str
    accent_color: str
    logo_filename: str
    plugins: tuple[str, ...]
    #: Plugin name -> saved values (see ``ptcc.plugins.settings``).
    plugin_settings: dict = field(default_factory=dict)
    #: The home page's banner image under the upload folder, or "".
    banner_filename: str = ""


def load_settings_row() -> TerritorySettings | None:
    """The stored row; None when absent or when the database is not migrated yet
    (so that the "run ptcc db upgrade" page can still be drawn)."""
    try:
        return db.session.get(TerritorySettings, 1)
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        return None


def territory_settings() -> EffectiveSettings:
    """Computed once per request (or tenant_context) and kept in ``g``; across requests,
    kept per data version (``ptcc.caching``), which every edit of the row changes."""
    cached = g.get("ptcc_settings")
    if cached is not None:
        return cached
    # The tenant.toml's values are part of the key: a reloaded registry is seen at once. A
    # territory not migrated yet has no data version: computed every time (ptcc.caching).
    settings = _settings_per_version(repr(current_tenant._get_current_object()))
    g.ptcc_settings = settings
    return settings


def _effective_settings() -> EffectiveSettings:
    tenant = current_tenant._get_current_object()
    row = load_settings_row()
    theme = tenant.theme or {}
    locales = tuple(row.locales) if row and row.locales else tenant.locales
    default_locale = (row.default_locale if row and row.default_locale else tenant.default_locale)
    if default_locale not in locales:
        default_locale = locales[0]
    return EffectiveSettings(
        name=(row.name if row and row.name else tenant.name),
        presentation=row.presentation if row else "",
        locales=locales,
        default_locale=default_locale,
        timezone=(row.timezone if row and row.timezone else tenant.timezone),
        primary_color=(row.primary_color if row and row.primary_color else theme.get("primary", DEFAULT_PRIMARY)),
        accent_color=(row.accent_color if row and row.accent_color else theme.get("accent", DEFAULT_ACCENT)),
        logo_filename=row.logo_filename if row else "",
        plugins=tuple(row.plugins) if row and row.plugins is not None else tenant.plugins,
        plugin_settings=dict(row.plugin_settings or {}) if row else {},
        banner_filename=(row.banner_filename or "") if row else "",
    )


@cached_per_territory("territory-settings")
def _settings_per_version(_tenant_fingerprint: str) -> EffectiveSettings:
    return _effective_settings()


def forget_cached_settings() -> None:
    g.pop("ptcc_settings", None)
