"""Organisations of a territory: profiles, joining, memberships, directory."""

from ptcc.plugins import PluginInfo, hookimpl

PLUGIN = PluginInfo(name="organisations", version="0.1.0", description="Organisations and the directory", core=True)
