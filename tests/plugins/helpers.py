"""Shared by the tests of tests/plugins."""

from __future__ import annotations


def settings_form(slug: str = "alpha", **overrides) -> dict:
    """The administration's settings form as the plugin application's territories start."""
    data = {
        "name": f"Territoire {slug.title()}",
        "presentation": "",
        "locales": ["fr", "en"],
        "default_locale": "fr",
        "timezone": "Europe/Paris",
        "primary_color": "#1f4e8c",
        "accent_color": "#8a3b12",
        "plugins_shown": "1",
    }
    data.update(overrides)
    return data


def stored_row(in_plugin_territory, slug: str):
    from ptcc.tenancy.models import TerritorySettings
    from ptcc.extensions import db

    with in_plugin_territory(slug):
        row = db.session.get(TerritorySettings, 1)
        return None if row is None else {"plugins": row.plugins, "plugin_settings": row.plugin_settings}
