"""The same plugin, enabled in alpha and disabled in beta: pages, menu, search,
activity feed, open-data page and blocks follow the territory's choice."""

from __future__ import annotations

import pytest

from ptcc.activity.services import UnknownActivityKind, publish
from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD


def add_note(in_plugin_territory, slug: str, title: str) -> None:
    from ptcc_sample.models import SampleNote

    with in_plugin_territory(slug):
        db.session.add(SampleNote(title=title))
        db.session.commit()


def choose_plugins(in_plugin_territory, slug: str, names: list[str]) -> None:
    from ptcc.tenancy.models import TerritorySettings

    with in_plugin_territory(slug):
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="",
                                         timezone="", primary_color="", accent_color="", logo_filename="",
                                         plugins=names))
        db.session.commit()


def test_the_plugin_page_answers_in_alpha_and_404_in_beta(site):
    assert site("alpha").get("/sample/").status_code == 200
    assert site("alpha").get("/sample/notes.csv").status_code == 200
    assert site("beta").get("/sample/").status_code == 404
    assert site("beta").get("/sample/notes.csv").status_code == 404


def test_the_path_prefix_follows_the_same_rule(plugin_app):
    client = plugin_app.test_client()
    assert client.get("/t/alpha/sample/", base_url="http://localhost").status_code == 200
    assert client.get("/t/beta/sample/", base_url="http://localhost").status_code == 404


def test_menu_and_home_blocks_follow(site):
    alpha = site("alpha").get("/").get_data(as_text=True)
    beta = site("beta").get("/").get_data(as_text=True)
    assert 'href="/sample/"' in alpha and "Hello from the sample" in alpha
    assert 'href="/sample/"' not in beta and "Hello from the sample" not in beta


def test_menu_items_are_filtered_by_permission(site, plugin_user):
    assert "Sample secrets" not in site("alpha").get("/").get_data(as_text=True)
    user = plugin_user(tenant="alpha")
    client = site("alpha")
    client.login(user.email, DEFAULT_PASSWORD)
    assert "Sample secrets" in client.get("/").get_data(as_text=True)


def test_menu_items_are_ordered(plugin_app):
    from ptcc.tenancy import tenant_context
    from ptcc.web.menu import menu_entries

    with tenant_context("alpha", app=plugin_app), plugin_app.test_request_context(base_url="http://alpha.test"):
        endpoints = [item.endpoint for item, _url in menu_entries()]
    assert endpoints.index("web.index") < endpoints.index("sample.index") < endpoints.index("web.activity")


def test_search_merges_enabled_providers_only(site, in_plugin_territory):
    add_note(in_plugin_territory, "alpha", "Compost workshop")
    add_note(in_plugin_territory, "alpha", "Compost")
    add_note(in_plugin_territory, "beta", "Compost in beta")
    html = site("alpha").get("/search?q=compost").get_data(as_text=True)
    assert "2 results" in html or "2 résultats" in html
    # The shorter title scores higher: it comes first.
    assert html.index(">Compost<") < html.index(">Compost workshop<")
    assert "Sample note" in html  # the kind labels each result
    beta = site("beta").get("/search?q=compost").get_data(as_text=True)
    assert "Compost in beta" not in beta
    assert "No result" in beta or "Aucun résultat" in beta


def test_search_without_words_asks_for_some(site):
    response = site("alpha").get("/search?q=%20%20")
    assert response.status_code == 200
    assert 'class="empty"' in response.get_data(as_text=True)


def test_open_data_lists_enabled_plugins_datasets(site):
    alpha = site("alpha").get("/open-data").get_data(as_text=True)
    assert "Sample notes dataset" in alpha and 'href="/sample/notes.csv"' in alpha
    assert "Licence Ouverte" in alpha and "CSV" in alpha
    beta = site("beta").get("/open-data").get_data(as_text=True)
    assert "Sample notes dataset" not in beta and 'href="/organisations/open-data/organisations.csv"' in beta


def test_activity_feed_shows_entries_of_enabled_plugins(site, in_plugin_territory, plugin_app):
    for slug in ("alpha", "beta"):
        with in_plugin_territory(slug), plugin_app.test_request_context():
            publish("sample.note_added", f"Note of {slug}", "sample.index")
            db.session.commit()
    alpha = site("alpha").get("/activity", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Note of alpha" in alpha and "New sample note" in alpha and 'href="/sample/"' in alpha
    beta = site("beta").get("/activity").get_data(as_text=True)
    assert "Note of beta" not in beta and 'class="empty"' in beta
    # The entry stays stored: enabling the plugin in beta shows it.
    choose_plugins(in_plugin_territory, "beta", ["sample"])
    assert "Note of beta" in site("beta").get("/activity").get_data(as_text=True)


def test_activity_feed_is_paginated(site, in_plugin_territory, plugin_app):
    with in_plugin_territory("alpha"), plugin_app.test_request_context():
        for n in range(plugin_app.config["PTCC_PER_PAGE"] + 3):
            publish("sample.note_added", f"Entry number {n:02d}", "sample.index")
        db.session.commit()
    first = site("alpha").get("/activity").get_data(as_text=True)
    second = site("alpha").get("/activity?page=2").get_data(as_text=True)
    assert "Entry number 22" in first and "Entry number 00" not in first
    assert "Entry number 00" in second and 'rel="prev"' in second


def test_publish_records_the_actor_and_refuses_unknown_kinds(in_plugin_territory, plugin_app, plugin_user):
    from ptcc.accounts.models import User

    person = plugin_user(tenant="alpha", display_name="Camille")
    with in_plugin_territory("alpha"), plugin_app.test_request_context():
        entry = publish("sample.note_added", "x" * 400, "sample.index", {"page": 2},
                        actor=db.session.get(User, person.id))
        assert (entry.plugin, entry.actor_label, entry.url_values, len(entry.subject)) == \
            ("sample", "Camille", {"page": 2}, 300)
        with pytest.raises(UnknownActivityKind):
            publish("sample.never_declared", "x", "sample.index")
        db.session.rollback()


def test_publish_flushes_but_does_not_commit(in_plugin_territory, plugin_app):
    import sqlalchemy as sa

    from ptcc.activity.models import ActivityEntry

    with in_plugin_territory("alpha"), plugin_app.test_request_context():
        publish("sample.note_added", "Left uncommitted", "sample.index")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActivityEntry)) == 0


def test_dashboard_shows_blocks_of_enabled_plugins(site, plugin_user):
    for slug, expected in (("alpha", True), ("beta", False)):
        user = plugin_user(tenant=slug)
        client = site(slug)
        client.login(user.email, DEFAULT_PASSWORD)
        html = client.get("/dashboard").get_data(as_text=True)
        assert ("Your sample dashboard block" in html) is expected


def test_dashboard_needs_a_signed_in_person(site):
    response = site("alpha").get("/dashboard")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_disabling_in_the_settings_row_wins_over_tenant_toml(site, in_plugin_territory):
    choose_plugins(in_plugin_territory, "alpha", [])
    assert site("alpha").get("/sample/").status_code == 404
    assert 'href="/sample/"' not in site("alpha").get("/").get_data(as_text=True)


def test_the_plugin_translates_in_its_own_domain(site):
    french = site("alpha").get("/sample/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    english = site("alpha").get("/sample/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Notes d&#39;exemple</h1>" in french or "<h1>Notes d'exemple</h1>" in french
    assert "<h1>Sample notes</h1>" in english
    assert "Pas encore de note." in french


def test_plugin_settings_default_then_stored(site, in_plugin_territory, plugin_app):
    from ptcc.tenancy.models import TerritorySettings
    from ptcc.plugins.settings import plugin_setting, plugin_settings

    assert "Bienvenue" in site("alpha").get("/sample/").get_data(as_text=True)
    with in_plugin_territory("alpha"):
        assert plugin_settings("sample") == {"greeting": "Bienvenue", "per_page": 10}
        with pytest.raises(KeyError):
            plugin_setting("sample", "colour")
        assert plugin_setting("sample", "colour", "blue") == "blue"
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="",
                                         timezone="", primary_color="", accent_color="", logo_filename="",
                                         plugin_settings={"sample": {"greeting": "Salut"}}))
        db.session.commit()
    assert "Salut" in site("alpha").get("/sample/").get_data(as_text=True)
    with in_plugin_territory("beta"):
        assert plugin_setting("sample", "greeting") == "Bienvenue"


def test_plugin_cli_commands_are_grouped_under_the_plugin_name(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["sample", "sample-count"])
    assert result.exit_code == 0 and "sample notes: ready" in result.output


def test_personal_data_hooks_reach_disabled_plugins_that_have_tables(plugin_app, in_plugin_territory, plugin_user):
    from ptcc.plugins.manager import plugin_manager

    found = {}
    for slug in ("alpha", "beta", "gamma"):
        person = plugin_user(tenant=slug, display_name=f"Person of {slug}")
        with in_plugin_territory(slug):
            results = plugin_manager().hook("ptcc_personal_data")(user=person)
            found[slug] = any("sample" in (r or {}) for r in results)
            assert ("sample" in plugin_manager().active_names()) is (slug == "alpha")
    # beta disabled the plugin but keeps its data; gamma never had its tables.
    assert found == {"alpha": True, "beta": True, "gamma": False}


def test_an_entry_whose_link_cannot_be_built_shows_without_link(site, in_plugin_territory, plugin_app):
    with in_plugin_territory("alpha"), plugin_app.test_request_context():
        publish("sample.note_added", "Orphan entry", "sample.removed_page", {"id": 3})
        db.session.commit()
    html = site("alpha").get("/activity").get_data(as_text=True)
    assert "Orphan entry" in html and ">Orphan entry</a>" not in html
