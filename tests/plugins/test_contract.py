"""The loader refuses plugins that break the contract, at start-up, with a clear message."""

from __future__ import annotations

import inspect
import types

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ptcc.plugins import PluginInfo, hookimpl, hookspecs
from ptcc.plugins.manager import PluginError, PluginManager


class ScratchBase(DeclarativeBase):
    """Models of refused plugins stay out of the application's metadata."""


class WellNamed(ScratchBase):
    __tablename__ = "tidy_things"
    id: Mapped[int] = mapped_column(primary_key=True)


class BadlyNamed(ScratchBase):
    __tablename__ = "things"
    id: Mapped[int] = mapped_column(primary_key=True)


def make_plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(f"scratch_{name}")
    module.PLUGIN = PluginInfo(name=name, version="0.0.1", description=name)
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


def loaded(*plugins) -> PluginManager:
    manager = PluginManager()
    manager.load_core()
    for plugin in plugins:
        manager.register(plugin)
    manager.finish()
    return manager


def test_every_hook_is_prefixed_and_documented():
    specs = [(name, obj) for name, obj in vars(hookspecs).items()
             if inspect.isfunction(obj) and hasattr(obj, "ptcc_spec")]
    assert len(specs) >= 15
    for name, function in specs:
        assert name.startswith("ptcc_"), name
        assert function.__doc__ and len(function.__doc__.strip()) > 20, f"{name} has no docstring"


def test_an_unknown_hook_implementation_is_refused():
    plugin = make_plugin("typo", ptcc_menu_itemz=lambda user: [])
    with pytest.raises(PluginError, match="unknown hook implementation.*ptcc_menu_itemz"):
        loaded(plugin)


def test_a_hook_with_wrong_arguments_is_refused():
    plugin = make_plugin("wrongargs", ptcc_search=lambda query, person, limit: [])
    with pytest.raises(PluginError, match="wrongargs"):
        loaded(plugin)


def test_a_table_without_the_plugin_prefix_is_refused():
    plugin = make_plugin("tidy", ptcc_models=lambda: [WellNamed, BadlyNamed])
    with pytest.raises(PluginError, match="table 'things' must start with 'tidy_'"):
        loaded(plugin)


def test_tables_with_the_prefix_are_accepted():
    manager = loaded(make_plugin("tidy", ptcc_models=lambda: [WellNamed]))
    assert "tidy" in {info.name for info in manager.optional()}


def test_a_plugin_without_info_or_with_a_bad_name_is_refused():
    with pytest.raises(PluginError, match="PLUGIN = PluginInfo"):
        PluginManager().register(types.ModuleType("nothing"))
    with pytest.raises(PluginError, match="lowercase"):
        PluginManager().register(make_plugin("Bad-Name"))


def test_two_plugins_cannot_share_a_name():
    manager = PluginManager()
    manager.register(make_plugin("twin"))
    with pytest.raises(PluginError, match="two different plugins"):
        manager.register(make_plugin("twin"))


def test_two_plugins_cannot_declare_the_same_activity_kind():
    from ptcc.plugins import ActivityType

    first = make_plugin("first", ptcc_activity_types=lambda: [ActivityType("shared.kind", "A")])
    second = make_plugin("second", ptcc_activity_types=lambda: [ActivityType("shared.kind", "B")])
    with pytest.raises(PluginError, match="shared.kind"):
        loaded(first, second).activity_kinds()


PACKAGE = '''
from ptcc.plugins import PluginInfo, hookimpl

PLUGIN = PluginInfo(name="{name}", version="0.1.0", description="broken on purpose")


@hookimpl
def ptcc_home_blockz():
    return []
'''


def test_create_app_stops_on_an_unknown_hook(tmp_path):
    """Discovery through the plugins folder, then refusal before the application serves."""
    from ptcc.app import create_app

    name = "startup_typo"
    package = tmp_path / "plugins" / name
    (package / f"ptcc_{name}").mkdir(parents=True)
    (package / f"ptcc_{name}" / "__init__.py").write_text(PACKAGE.format(name=name))
    (package / "pyproject.toml").write_text(
        f'[project]\nname = "ptcc-{name}"\nversion = "0.1.0"\n'
        f'[project.entry-points."ptcc.plugins"]\n{name} = "ptcc_{name}"\n'
    )
    with pytest.raises(PluginError, match="ptcc_home_blockz"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "PTCC_TENANTS_PATH": str(tmp_path / "tenants"),
                    "PTCC_INSTANCE_PATH": str(tmp_path / "instance"),
                    "PTCC_PLUGINS_PATH": str(tmp_path / "plugins")})


def test_the_sample_plugin_is_discovered_from_the_plugins_folder(plugin_app):
    manager = plugin_app.extensions["ptcc"].plugins
    assert manager.infos["sample"].version == "1.2.3"
    assert manager.origins["sample"].endswith("sample_plugins/sample")
    assert manager.blueprint_owner["sample"] == "sample"
    assert "sample" in manager.translation_domains


def test_plugin_migrations_run_per_territory_and_match_the_models(plugin_app):
    from ptcc import migrate
    from ptcc.tenancy import tenant_context

    with plugin_app.app_context():
        registry = plugin_app.extensions["ptcc"].registry
        heads = migrate.head_revisions()
        for slug in ("alpha", "beta"):
            applied = migrate.applied_revisions(migrate.current_revisions(registry.get(slug)))
            assert heads <= applied and "a1b2c3d4e5f6" in applied
            assert migrate.migration_state(registry.get(slug)) == "up to date"
            with tenant_context(slug, app=plugin_app):
                assert migrate.schema_drift(registry.get(slug)) == []
        assert migrate.migration_state(registry.get("gamma")) == "behind"
        engine = plugin_app.extensions["ptcc"].engines.get(registry.get("gamma"))
        assert "sample_notes" not in sa.inspect(engine).get_table_names()


def test_an_installed_distribution_is_found_through_its_entry_point(tmp_path, monkeypatch):
    """A distribution on sys.path whose metadata declares the ``ptcc.plugins`` entry point,
    as ``pip install`` leaves it, without installing anything in the shared environment."""
    (tmp_path / "ptcc_epdemo").mkdir()
    (tmp_path / "ptcc_epdemo" / "__init__.py").write_text(
        "from ptcc.plugins import PluginInfo\n"
        "PLUGIN = PluginInfo(name='epdemo', version='2.0.0', description='entry point demo')\n"
    )
    info = tmp_path / "ptcc_epdemo-2.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ptcc-epdemo\nVersion: 2.0.0\n")
    (info / "entry_points.txt").write_text("[ptcc.plugins]\nepdemo = ptcc_epdemo\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager()
    manager.load_core()
    manager.discover(None)
    assert manager.infos["epdemo"].version == "2.0.0"
    assert manager.origins["epdemo"] == "entry point ptcc_epdemo"
