"""Reports: signed-in people report content; moderators hide it or dismiss the report."""

from ptcc.plugins import Block, PluginInfo, hookimpl

PLUGIN = PluginInfo(name="reports", version="0.1.0", description="Reports of content to the moderators",
                    core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.reports.blueprint import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc.reports.models import Report

    return [Report]


@hookimpl
def ptcc_reportable_types():
    from ptcc.organisations.visibility import reportable_type

    return [reportable_type()]


@hookimpl
def ptcc_dashboard_blocks(user):
    from ptcc.accounts.models import Role
    from ptcc.accounts.permissions import has_role
    from ptcc.reports.services import open_count

    if not has_role(user, Role.MODERATOR):
        return []
    return [Block(template="reports/_dashboard_block.html", order=21, context={"open_reports": open_count()})]


@hookimpl
def ptcc_personal_data(user):
    from ptcc.reports.services import personal_data

    return personal_data(user)


@hookimpl
def ptcc_before_user_delete(user):
    from ptcc.reports.services import forget_user

    forget_user(user)
