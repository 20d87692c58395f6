"""What French public bodies must publish: mentions légales, politique de confidentialité,
conditions d'utilisation and déclaration d'accessibilité, per territory."""

from ptcc.plugins import PluginInfo, hookimpl

PLUGIN = PluginInfo(name="legal", version="0.1.0", description="Legal pages of the territory", core=True)


@hookimpl
def ptcc_blueprints():
    from ptcc.legal.blueprint import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc.legal import models

    return [models.LegalDetails, models.LegalPage]
