"""The settings page lists the installed optional plugins (tests/plugins covers the behaviour
with a plugin of its own)."""

from __future__ import annotations

import re

from ptcc.plugins.manager import PluginManager


def installed(app) -> list:
    manager: PluginManager = app.extensions["ptcc"].plugins
    return sorted(manager.optional(), key=lambda info: info.name)


def test_each_installed_plugin_has_a_checkbox_with_its_version(app, admin_client):
    html = admin_client.get("/admin/settings").get_data(as_text=True)
    plugins = installed(app)
    if not plugins:
        assert 'name="plugins"' not in html
        return
    assert '<input type="hidden" name="plugins_shown" value="1">' in html
    for info in plugins:
        checkbox = re.search(rf'<input[^>]*value="{info.name}"[^>]*>', html).group(0)
        assert 'type="checkbox"' in checkbox and 'name="plugins"' in checkbox
        # The test territories enable every discovered plugin (ptcc_enabled_plugins).
        assert "checked" in checkbox
        assert f"({info.name} {info.version})" in html


def test_a_plugin_unticked_on_the_page_answers_404(app, admin_client, beta, in_territory):
    from ptcc.tenancy.models import TerritorySettings
    from ptcc.extensions import db
    from tests.admin.conftest import settings_form

    plugins = installed(app)
    response = admin_client.submit("/admin/settings", settings_form(plugins=[], plugins_shown="1"))
    assert response.status_code == 302
    with in_territory("alpha"):
        assert db.session.get(TerritorySettings, 1).plugins == []
    owners = app.extensions["ptcc"].plugins.blueprint_owner
    optional = {info.name for info in plugins}
    rules = [rule for rule in app.url_map.iter_rules()
             if owners.get(rule.endpoint.split(".")[0]) in optional and not rule.arguments
             and "GET" in rule.methods]
    for rule in rules:
        assert admin_client.get(rule.rule).status_code == 404, rule.rule
    assert plugins or not rules
    # beta still uses them.
    for rule in rules:
        assert beta.get(rule.rule).status_code != 404, rule.rule
