"""gamma's database has the core's migrations only: enabling ``sample`` there must say
which command to run, and never crash a page."""

from __future__ import annotations

from ptcc.tenancy.models import TerritorySettings
from ptcc.extensions import db
from tests.plugins.helpers import settings_form, stored_row

FIX = "ptcc db upgrade gamma"


def enable_in_row(in_plugin_territory) -> None:
    with in_plugin_territory("gamma"):
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="",
                                         timezone="", primary_color="", accent_color="", logo_filename="",
                                         plugins=["sample"]))
        db.session.commit()


def test_enabling_on_the_settings_page_says_how_to_migrate(signed_in_admin, in_plugin_territory):
    admin = signed_in_admin("gamma")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'name="plugins" type="checkbox" value="sample"' in page or 'value="sample"' in page
    response = admin.submit("/admin/settings", settings_form("gamma", plugins=["sample"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert FIX in html and "sample" in html
    row = stored_row(in_plugin_territory, "gamma")
    assert row is None or row["plugins"] is None
    assert admin.get("/sample/").status_code == 404


def test_routes_answer_503_with_the_command_when_enabled_without_tables(site, in_plugin_territory):
    enable_in_row(in_plugin_territory)
    for path in ("/sample/", "/sample/notes.csv"):
        response = site("gamma").get(path)
        assert response.status_code == 503
        assert FIX in response.get_data(as_text=True)


def test_other_pages_keep_working_without_the_plugin(site, in_plugin_territory, plugin_user):
    from ptcc.testing.factories import DEFAULT_PASSWORD

    enable_in_row(in_plugin_territory)
    client = site("gamma")
    home = client.get("/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert 'href="/sample/"' not in html and "Hello from the sample" not in html
    for path in ("/search?q=note", "/open-data", "/activity"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Sample notes dataset" not in response.get_data(as_text=True)
    user = plugin_user(tenant="gamma")
    client.login(user.email, DEFAULT_PASSWORD)
    assert client.get("/dashboard").status_code == 200


def test_the_settings_page_warns_about_an_enabled_plugin_without_tables(signed_in_admin, in_plugin_territory):
    enable_in_row(in_plugin_territory)
    admin = signed_in_admin("gamma")
    html = admin.get("/admin/settings").get_data(as_text=True)
    assert FIX in html
    # Other settings can still be saved while the plugin stays enabled.
    response = admin.submit("/admin/settings", settings_form("gamma", plugins=["sample"], name="Gamma Nouveau"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_migrating_makes_it_work(plugin_app, site, in_plugin_territory):
    from alembic import command

    from ptcc import migrate

    enable_in_row(in_plugin_territory)
    tenant = plugin_app.extensions["ptcc"].registry.get("gamma")
    # Requests are made outside this block: inside it they would share its database session.
    with plugin_app.app_context():
        migrate.upgrade(tenant)
    try:
        assert site("gamma").get("/sample/").status_code == 200
    finally:
        with plugin_app.app_context():
            with plugin_app.extensions["ptcc"].engines.get(tenant).begin() as conn:
                command.downgrade(migrate.alembic_config(conn), "sample@base")
    assert site("gamma").get("/sample/").status_code == 503
