"""Territory administration: settings, people and roles, audit log."""

from flask_babel import lazy_gettext as _l

from ptcc.plugins import MenuItem, PluginInfo, hookimpl

PLUGIN = PluginInfo(name="admin", version="0.1.0", description="Territory administration", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.admin.blueprint import bp

    return [bp]


@hookimpl
def ptcc_menu_items(user):
    from ptcc.accounts.models import Role
    from ptcc.accounts.permissions import has_role

    return [MenuItem(label=str(_l("Administration")), endpoint="admin.dashboard", order=95,
                     permission=lambda u: has_role(u, Role.MODERATOR))]
