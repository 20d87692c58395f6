"""Registers every installed plugin once; answers per territory which are enabled."""

from __future__ import annotations

import importlib
import logging
import re
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pluggy
from flask import current_app

from ptcc.plugins import hookspecs
from ptcc.plugins.types import PluginInfo

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "ptcc.plugins"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

#: Core modules, registered first and always enabled.
CORE_MODULES = ("ptcc.web", "ptcc.accounts", "ptcc.organisations", "ptcc.admin")


class PluginError(RuntimeError):
    """A plugin breaks the contract; the message says how."""


class PluginManager:
    def __init__(self):
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        #: Blueprint name -> plugin name, to answer 404 where the plugin is disabled.
        self.blueprint_owner: dict[str, str] = {}

    # --- loading, once at start-up -------------------------------------------------

    def register(self, plugin) -> PluginInfo:
        info = getattr(plugin, "PLUGIN", None)
        if not isinstance(info, PluginInfo):
            raise PluginError(f"{plugin!r} has no PLUGIN = PluginInfo(...)")
        if not NAME_RE.match(info.name):
            raise PluginError(f"plugin name {info.name!r}: lowercase letters, digits, underscores")
        if info.name in self.infos:
            return self.infos[info.name]
        self.pm.register(plugin, name=info.name)
        self.infos[info.name] = info
        return info

    def load_core(self) -> None:
        for module_name in CORE_MODULES:
            self.register(importlib.import_module(module_name))

    def discover(self, plugins_path: str | Path | None) -> None:
        """Installed entry points first, then the repository's ``plugins/*`` packages."""
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            self.register(ep.load())
        if plugins_path and Path(plugins_path).is_dir():
            for pyproject in sorted(Path(plugins_path).glob("*/pyproject.toml")):
                for module_name in _declared_entry_points(pyproject):
                    if str(pyproject.parent) not in sys.path:
                        sys.path.append(str(pyproject.parent))
                    self.register(importlib.import_module(module_name))

    def finish(self) -> None:
        """Refuse unknown hooks and tables outside the plugin's prefix."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"unknown hook implementation: {exc}") from exc
        self.check_table_prefixes()

    def check_table_prefixes(self) -> None:
        for name, info in self.infos.items():
            if info.core:
                continue
            plugin = self.pm.get_plugin(name)
            impl = getattr(plugin, "ptcc_models", None)
            for model in (impl() if impl else None) or []:
                table = model.__table__.name
                if not table.startswith(f"{name}_"):
                    raise PluginError(
                        f"plugin {name!r}: table {table!r} must start with '{name}_' "
                        "so that plugins never collide with the core or each other"
                    )

    def register_blueprints(self, app) -> None:
        for name in self.infos:
            plugin = self.pm.get_plugin(name)
            impl = getattr(plugin, "ptcc_blueprints", None)
            for blueprint in (impl() if impl else None) or []:
                app.register_blueprint(blueprint)
                self.blueprint_owner[blueprint.name] = name

    # --- per territory ---------------------------------------------------------------

    def enabled_names(self) -> set[str]:
        from ptcc.admin.settings import territory_settings

        chosen = set(territory_settings().plugins)
        return {name for name, info in self.infos.items() if info.core or name in chosen}

    def is_enabled(self, name: str) -> bool:
        return name in self.enabled_names()

    def hook(self, hook_name: str):
        """The hook caller restricted to the current territory's enabled plugins."""
        enabled = self.enabled_names()
        disabled = [self.pm.get_plugin(n) for n in self.infos if n not in enabled]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=disabled)

    def startup_hook(self, hook_name: str):
        """The hook caller for every installed plugin (start-up hooks)."""
        return getattr(self.pm.hook, hook_name)

    def optional(self) -> list[PluginInfo]:
        return [info for info in self.infos.values() if not info.core]


def _declared_entry_points(pyproject: Path) -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    eps = data.get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    return [value.split(":")[0] for value in eps.values()]


def plugin_manager() -> PluginManager:
    return current_app.extensions["ptcc"].plugins
