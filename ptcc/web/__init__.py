"""Core web module: home page, dashboard, search, open data, activity feed, language, theme."""

from flask_babel import lazy_gettext as _l

from ptcc.plugins import MenuItem, PluginInfo, hookimpl

PLUGIN = PluginInfo(name="web", version="0.1.0", description="Pages of the platform core", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.web.blueprint import bp

    return [bp]


@hookimpl
def ptcc_menu_items(user):
    from ptcc.accounts.permissions import is_signed_in

    return [
        MenuItem(label=str(_l("Home")), endpoint="web.index", order=0),
        MenuItem(label=str(_l("My dashboard")), endpoint="web.dashboard", order=5, permission=is_signed_in),
        MenuItem(label=str(_l("Activity")), endpoint="web.activity", order=80),
        MenuItem(label=str(_l("Open data")), endpoint="web.open_data", order=90),
    ]
