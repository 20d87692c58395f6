"""Core web module: home page, platform page, language, theme."""

from flask_babel import lazy_gettext as _l

from ptcc.plugins import MenuItem, PluginInfo, hookimpl

PLUGIN = PluginInfo(name="web", version="0.1.0", description="Pages of the platform core", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.web.blueprint import bp

    return [bp]


@hookimpl
def ptcc_menu_items(user):
    return [MenuItem(label=str(_l("Home")), endpoint="web.index", order=0)]
