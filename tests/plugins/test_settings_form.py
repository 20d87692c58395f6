"""The plugins section of the administration's settings page: enablement and each
plugin's settings form, stored per territory."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ptcc.audit.models import AuditEntry
from ptcc.extensions import db
from tests.plugins.helpers import settings_form, stored_row


def test_the_page_shows_installed_plugins_with_their_settings_form(signed_in_admin):
    html = signed_in_admin("alpha").get("/admin/settings").get_data(as_text=True)
    assert "Sample notes" in html and "1.2.3" in html
    checkbox = re.search(r'<input[^>]*value="sample"[^>]*>', html).group(0)
    assert "checked" in checkbox and 'type="checkbox"' in checkbox
    assert 'name="plugin-sample-greeting"' in html and 'value="Bienvenue"' in html
    assert '<label for="plugin-sample-greeting">' in html


def test_settings_round_trip(signed_in_admin, in_plugin_territory, site):
    admin = signed_in_admin("alpha")
    response = admin.submit("/admin/settings", settings_form(
        plugins=["sample"], **{"plugin-sample-greeting": "Bonjour Alpha", "plugin-sample-per_page": "5"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    row = stored_row(in_plugin_territory, "alpha")
    assert row["plugins"] is None  # unchanged: alpha still follows its tenant.toml
    assert row["plugin_settings"] == {"sample": {"greeting": "Bonjour Alpha", "per_page": 5}}
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="Bonjour Alpha"' in page and 'value="5"' in page
    assert "Bonjour Alpha" in site("alpha").get("/sample/").get_data(as_text=True)
    with in_plugin_territory("alpha"):
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert entry.details["changes"]["plugin_settings"]["new"]["sample"]["greeting"] == "Bonjour Alpha"
    with in_plugin_territory("beta"):
        from ptcc.plugins.settings import plugin_setting

        assert plugin_setting("sample", "greeting") == "Bienvenue"


def test_invalid_plugin_settings_are_refused_next_to_the_field(signed_in_admin, in_plugin_territory):
    admin = signed_in_admin("alpha")
    response = admin.submit("/admin/settings", settings_form(
        plugins=["sample"], **{"plugin-sample-greeting": "", "plugin-sample-per_page": "500"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="plugin-sample-greeting-error"' in html and 'id="plugin-sample-per_page-error"' in html
    assert stored_row(in_plugin_territory, "alpha") is None


def test_settings_of_a_plugin_being_disabled_are_not_checked(signed_in_admin, in_plugin_territory, site):
    admin = signed_in_admin("alpha")
    response = admin.submit("/admin/settings", settings_form(
        plugins=[], **{"plugin-sample-greeting": "", "plugin-sample-per_page": "500"}))
    assert response.status_code == 302
    assert stored_row(in_plugin_territory, "alpha")["plugins"] == []
    assert site("alpha").get("/sample/").status_code == 404
    assert site("beta").get("/sample/").status_code == 404


def test_enabling_on_the_page_makes_the_routes_answer(signed_in_admin, site):
    admin = signed_in_admin("beta")
    assert site("beta").get("/sample/").status_code == 404
    response = admin.submit("/admin/settings", settings_form(
        "beta", plugins=["sample"], **{"plugin-sample-greeting": "Hi", "plugin-sample-per_page": "3"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert site("beta").get("/sample/").status_code == 200
    assert "Hi" in site("beta").get("/sample/").get_data(as_text=True)


def test_an_unknown_plugin_is_refused(signed_in_admin, in_plugin_territory):
    response = signed_in_admin("alpha").submit("/admin/settings", settings_form(plugins=["sample", "nope"]))
    assert response.status_code == 400
    assert "Unknown plugin: nope" in response.get_data(as_text=True)


def test_a_post_without_the_plugins_section_leaves_plugins_unchanged(signed_in_admin, in_plugin_territory, site):
    data = settings_form(name="Alpha Renamed")
    del data["plugins_shown"]
    response = signed_in_admin("alpha").submit("/admin/settings", data)
    assert response.status_code == 302
    assert stored_row(in_plugin_territory, "alpha")["plugins"] is None
    assert site("alpha").get("/sample/").status_code == 200
