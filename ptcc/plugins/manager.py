"""Registers every installed plugin once; answers per territory which are enabled."""

from __future__ import annotations

import importlib
import logging
import re
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Iterator

import pluggy
from flask import current_app, g

from ptcc.plugins import hookspecs
from ptcc.plugins.types import PluginInfo

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "ptcc.plugins"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}$")

#: Core modules, registered first and always enabled.
CORE_MODULES = ("ptcc.web", "ptcc.accounts", "ptcc.communes", "ptcc.organisations", "ptcc.admin", "ptcc.legal", "ptcc.reports")
#: Hooks about stored data (a person's, a merged organisation's) run for every plugin whose
#: tables exist in the territory, enabled or not: disabling a plugin keeps its data, which
#: must still be exported, erased or moved.
PERSONAL_DATA_HOOKS = frozenset({"ptcc_personal_data", "ptcc_before_user_delete", "ptcc_organisations_merged"})


class PluginError(RuntimeError):
    """A plugin breaks the contract; the message says how."""


class PluginManager:
    def __init__(self):
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        #: Blueprint name -> plugin name, to answer 404 where the plugin is disabled.
        self.blueprint_owner: dict[str, str] = {}
        #: Where each plugin came from: "core", "entry point" or the plugins/ folder.
        self.origins: dict[str, str] = {}
        #: gettext domain -> folder of its catalogues (``ptcc_translations_dir``).
        self.translation_domains: dict[str, str] = {}
        self._activity_kinds: dict[str, str] | None = None
        #: (hook name, inactive plugin names) -> pluggy's subset hook caller (``hook``).
        self._hook_callers: dict[tuple[str, frozenset[str]], Any] = {}
        self._migration_index = None

    # --- loading, once at start-up -------------------------------------------------

    def register(self, plugin, origin: str = "") -> PluginInfo:
        info = getattr(plugin, "PLUGIN", None)
        if not isinstance(info, PluginInfo):
            raise PluginError(f"{plugin!r} has no PLUGIN = PluginInfo(...)")
        if not NAME_RE.match(info.name):
            raise PluginError(f"plugin name {info.name!r}: 2 to 31 lowercase letters, digits or underscores, "
                              "starting with a letter")
        if info.name in self.infos:
            if self.pm.get_plugin(info.name) is not plugin:
                raise PluginError(f"two different plugins are named {info.name!r}")
            return self.infos[info.name]
        try:
            self.pm.register(plugin, name=info.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {info.name!r}: {exc}") from exc
        self.infos[info.name] = info
        self.origins[info.name] = origin or ("core" if info.core else "")
        return info

    def load_core(self) -> None:
        for module_name in CORE_MODULES:
            self.register(importlib.import_module(module_name), origin="core")

    def discover(self, plugins_path: str | Path | None) -> None:
        """Installed entry points first, then the repository's ``plugins/*`` packages."""
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            self.register(ep.load(), origin=f"entry point {ep.value}")
        if plugins_path and Path(plugins_path).is_dir():
            for pyproject in sorted(Path(plugins_path).glob("*/pyproject.toml")):
                for value in _declared_entry_points(pyproject):
                    if str(pyproject.parent) not in sys.path:
                        sys.path.append(str(pyproject.parent))
                    self.register(_load_reference(value), origin=str(pyproject.parent))

    def finish(self) -> None:
        """Refuse unknown hooks and tables outside the plugin's prefix; note translation domains."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"unknown hook implementation: {exc} — every hook must be one of ptcc/plugins/hookspecs.py"
            ) from exc
        self.check_table_prefixes()
        for name, found in self.each_result("ptcc_translations_dir"):
            if not found:
                continue
            domain, folder = found
            if domain in self.translation_domains or domain == "messages":
                raise PluginError(f"plugin {name!r}: gettext domain {domain!r} is already used")
            self.translation_domains[domain] = str(folder)

    def check_table_prefixes(self) -> None:
        for name, models in self.each_result("ptcc_models"):
            if self.infos[name].core:
                continue
            for model in models or []:
                table = model.__table__.name
                if not table.startswith(f"{name}_"):
                    raise PluginError(
                        f"plugin {name!r}: table {table!r} must start with '{name}_' "
                        "so that plugins never collide with the core or each other"
                    )

    def register_blueprints(self, app) -> None:
        for name, blueprints in self.each_result("ptcc_blueprints"):
            for blueprint in blueprints or []:
                app.register_blueprint(blueprint)
                self.blueprint_owner[blueprint.name] = name

    # --- calling one plugin's implementation ------------------------------------

    def each_result(self, hook_name: str, **kwargs) -> Iterator[tuple[str, Any]]:
        """(plugin name, result) for every installed plugin implementing the hook, in
        registration order; for hooks whose results must stay attributed."""
        impls = getattr(self.pm.hook, hook_name).get_hookimpls()
        order = {name: index for index, name in enumerate(self.infos)}
        for impl in sorted(impls, key=lambda i: order.get(i.plugin_name, len(order))):
            yield impl.plugin_name, impl.function(*[kwargs[arg] for arg in impl.argnames])

    def call_one(self, name: str, hook_name: str, **kwargs):
        """One plugin's result for a hook, or None when it does not implement it."""
        for owner, result in self.each_result(hook_name, **kwargs) if name in self.infos else ():
            if owner == name:
                return result
        return None

    def activity_kinds(self) -> dict[str, str]:
        """Activity kind -> the installed plugin that declares it."""
        if self._activity_kinds is None:
            kinds: dict[str, str] = {}
            for name, types in self.each_result("ptcc_activity_types"):
                for activity_type in types or []:
                    owner = kinds.setdefault(activity_type.name, name)
                    if owner != name:
                        raise PluginError(f"activity kind {activity_type.name!r} is declared by both "
                                          f"{owner!r} and {name!r}")
            self._activity_kinds = kinds
        return self._activity_kinds

    # --- per territory ---------------------------------------------------------------

    def enabled_names(self) -> set[str]:
        """Core modules and the optional plugins the territory chose (installed ones only)."""
        from ptcc.tenancy.settings import territory_settings

        chosen = set(territory_settings().plugins)
        return {name for name, info in self.infos.items() if info.core or name in chosen}

    def is_enabled(self, name: str) -> bool:
        return name in self.enabled_names()

    def unmigrated_names(self, among: set[str] | None = None) -> set[str]:
        """Plugins (the enabled ones by default) whose tables the territory's database lacks."""
        from ptcc.plugins.readiness import unmigrated_plugins

        among = self.enabled_names() if among is None else among
        cache = g.setdefault("ptcc_unmigrated_plugins", {})
        key = frozenset(among)
        if key not in cache:
            cache[key] = unmigrated_plugins(self, set(among))
        return cache[key]

    def active_names(self) -> set[str]:
        """Enabled and migrated: the plugins whose hooks run in this territory.

        Every hook call asks, several times per page: worked out once per request (or
        tenant_context), again when the territory's settings are read anew (saved by the
        administration) or the readiness answers of the request are dropped.
        """
        from ptcc.tenancy.settings import territory_settings

        settings, readiness = territory_settings(), g.get("ptcc_unmigrated_plugins")
        memo = g.get("ptcc_active_plugins")
        if memo is None or memo[0] is not settings or memo[1] is not readiness:
            active = frozenset(self.enabled_names() - self.unmigrated_names())
            memo = (settings, g.get("ptcc_unmigrated_plugins"), active)
            g.ptcc_active_plugins = memo
        return set(memo[2])

    def hook(self, hook_name: str):
        """The hook caller restricted to the current territory's active plugins (for the
        personal data hooks: to every plugin whose tables the territory has)."""
        if hook_name in PERSONAL_DATA_HOOKS:
            active = set(self.infos) - self.unmigrated_names(set(self.infos))
        else:
            active = self.active_names()
        inactive = frozenset(n for n in self.infos if n not in active)
        key = (hook_name, inactive)
        caller = self._hook_callers.get(key)
        if caller is None:
            # The plugins are all registered at start-up: one caller per hook and set of
            # inactive plugins serves every request (pluggy filters its implementations live).
            caller = self.pm.subset_hook_caller(hook_name, remove_plugins=[self.pm.get_plugin(n) for n in inactive])
            self._hook_callers[key] = caller
        return caller

    def startup_hook(self, hook_name: str):
        """The hook caller for every installed plugin (start-up hooks)."""
        return getattr(self.pm.hook, hook_name)

    def optional(self) -> list[PluginInfo]:
        return [info for info in self.infos.values() if not info.core]

    def migration_index(self):
        from ptcc.plugins.readiness import MigrationIndex

        if self._migration_index is None:
            self._migration_index = MigrationIndex(self)
        return self._migration_index


def _declared_entry_points(pyproject: Path) -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    eps = data.get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    return list(eps.values())


def _load_reference(value: str):
    """``package.module`` or ``package.module:attribute``, as an entry point names it."""
    module_name, _, attribute = value.strip().partition(":")
    found = importlib.import_module(module_name.strip())
    for part in filter(None, attribute.strip().split(".")):
        found = getattr(found, part)
    return found


def plugin_manager() -> PluginManager:
    return current_app.extensions["ptcc"].plugins
