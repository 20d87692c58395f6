"""The territory's communes, from the official list (code officiel géographique).

A territory declares its areas in its tenant.toml (``[communes]``: EPCI SIRENs and/or
département codes, see ``ptcc.communes.source``); ``ptcc communes import`` brings their
current communes into the territory's ``communes`` table; organisations point at one of
them (``Organisation.commune_code``), chosen in a select that ``communes.js`` turns into an
accessible autocomplete fed by ``/communes/search``.
"""

from ptcc.plugins import PluginInfo, hookimpl

PLUGIN = PluginInfo(name="communes", version="0.1.0", description="Communes from the official list", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.communes.blueprint import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc.communes.models import Commune

    return [Commune]


@hookimpl
def ptcc_cli_commands():
    from ptcc.communes.cli import assign_command, import_command, unmatched_command

    return [import_command, unmatched_command, assign_command]
