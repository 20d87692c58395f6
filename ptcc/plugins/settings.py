"""Per-territory settings of plugins: the plugin's defaults, overridden by what the
territory's administrators saved (``territory_settings.plugin_settings``)."""

from __future__ import annotations

from typing import Any

from ptcc.plugins.manager import plugin_manager

_MISSING = object()


def plugin_defaults(name: str) -> dict:
    """What the plugin's ``ptcc_default_settings`` returns (a copy), or {}."""
    return dict(plugin_manager().call_one(name, "ptcc_default_settings") or {})


def plugin_settings(name: str) -> dict:
    """The current territory's settings of plugin ``name``: defaults, then stored values."""
    from ptcc.tenancy.settings import territory_settings

    values = plugin_defaults(name)
    stored = territory_settings().plugin_settings.get(name) or {}
    values.update(stored)
    return values


def plugin_setting(name: str, key: str, default: Any = _MISSING) -> Any:
    """One setting of plugin ``name`` in the current territory.

    Raises ``KeyError`` for a key that is neither stored nor among the plugin's
    defaults, unless ``default`` is given.
    """
    values = plugin_settings(name)
    if key in values:
        return values[key]
    if default is not _MISSING:
        return default
    raise KeyError(f"plugin {name!r} has no setting {key!r} (declare it in ptcc_default_settings)")


# --- what the administration's settings page uses ------------------------------------


def installed_optional() -> list[str]:
    return sorted(info.name for info in plugin_manager().optional())


def enabled_optional() -> list[str]:
    """The installed optional plugins the current territory enables, sorted."""
    from ptcc.tenancy.settings import territory_settings

    installed = set(installed_optional())
    return sorted(name for name in territory_settings().plugins if name in installed)


def clean_plugin_choice(value) -> list[str]:
    """The chosen plugin names, checked against the installed ones, sorted."""
    from flask_babel import gettext as _

    from ptcc.errors import ServiceError

    chosen = sorted(set(value or []))
    unknown = [name for name in chosen if name not in installed_optional()]
    if unknown:
        raise ServiceError(_("Unknown plugin: %(names)s.", names=", ".join(unknown)), field="plugins")
    return chosen


def refuse_unmigrated(newly_enabled) -> None:
    """Refuse to enable plugins whose tables the territory's database lacks, saying what to run."""
    from ptcc.errors import ServiceError
    from ptcc.plugins.readiness import current_heads, not_migrated_message

    index = plugin_manager().migration_index()
    missing = index.missing(set(newly_enabled), current_heads())
    if missing:
        raise ServiceError(not_migrated_message(missing), field="plugins")


def json_values(values: dict) -> dict:
    """A settings form's data as JSON-storable values (dates become ISO strings)."""
    import json

    return json.loads(json.dumps(values, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


def settings_changes(submitted: dict[str, dict]) -> tuple[dict, dict]:
    """(old, new) of the plugins whose submitted settings differ from the effective ones."""
    old, new = {}, {}
    for name, values in submitted.items():
        current = plugin_settings(name)
        values = {**current, **json_values(values)}
        if values != current:
            old[name], new[name] = current, values
    return old, new
