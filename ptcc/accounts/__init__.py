"""People: sign-up, e-mail verification, sign-in, password reset, personal data."""

from ptcc.plugins import PluginInfo, hookimpl

PLUGIN = PluginInfo(name="accounts", version="0.1.0", description="People and authentication", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.accounts.blueprint import bp

    return [bp]
