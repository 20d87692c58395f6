"""The plugin as a distribution: discovered through its entry point, migrated with the core,
enabled per territory, and present in the menu, search, activity feed and open-data page."""

from __future__ import annotations

import json
from importlib.metadata import distribution, entry_points

import sqlalchemy as sa

from ptcc.extensions import db


def test_installed_as_its_own_distribution_and_discovered_by_entry_point(app):
    import ptcc_volunteering

    found = {ep.name: ep for ep in entry_points(group="ptcc.plugins")}
    assert found["volunteering"].value == "ptcc_volunteering"
    assert found["volunteering"].dist.name == "ptcc-volunteering"
    assert "ptcc" in " ".join(distribution("ptcc-volunteering").requires or [])
    manager = app.extensions["ptcc"].plugins
    assert manager.pm.get_plugin("volunteering") is ptcc_volunteering
    assert not manager.infos["volunteering"].core
    assert manager.blueprint_owner["volunteering"] == "volunteering"
    assert manager.blueprint_owner["volunteering_api"] == "volunteering"


def test_models_and_their_migration_branch(app, territories):
    from alembic.script import ScriptDirectory

    from ptcc import migrate
    from ptcc.tenancy import tenant_context
    from ptcc_volunteering.models import MODELS

    assert all(model.__tablename__.startswith("volunteering_") for model in MODELS)
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.alembic_config())
        branch = [r for r in script.walk_revisions() if "volunteering" in r.branch_labels]
        base = [r for r in branch if r.down_revision is None]
        assert len(base) == 1 and len(script.get_revisions("volunteering@head")) == 1
        # It needs the core's organisations table: its first revision depends on the core revision creating it.
        assert base[0].dependencies == "5b2c1e7d9a01"
        assert migrate.current_revisions(territories["alpha"]) == migrate.head_revisions()
    for tenant in territories.values():
        with tenant_context(tenant, app=app):
            engine = app.extensions["ptcc"].engines.get(tenant)
            with engine.connect() as conn:
                tables = set(sa.inspect(conn).get_table_names())
            assert {model.__tablename__ for model in MODELS} <= tables
            assert migrate.schema_drift(tenant) == []


def test_the_same_address_answers_in_alpha_and_is_404_in_beta(alpha, beta, territory_plugins, cast):
    territory_plugins("beta", [])
    for path in ("/missions/", f"/missions/{cast['mission']}", "/missions/open-data/missions.csv",
                 "/api/volunteering/missions", "/missions/commitments"):
        assert alpha.get(path).status_code in (200, 302), path
        assert beta.get(path).status_code == 404, path
    assert beta.get("/api/volunteering/missions").get_json()["error"]


def test_menu_search_activity_and_open_data_follow_enablement(alpha, beta, territory_plugins, signed_in,
                                                             make_user, make_organisation, in_request):
    from ptcc.accounts.models import User
    from ptcc.organisations.models import Organisation
    from ptcc_volunteering import services

    ids = {}
    for slug in ("alpha", "beta"):
        member = make_user(tenant=slug)
        org = make_organisation(slug, members=[member], name="Recyclerie")
        with in_request(slug):
            ids[slug] = services.create_mission(
                db.session.get(User, member.id), db.session.get(Organisation, org["id"]),
                title="Tri des dons à la recyclerie", commune="Lyon", availability="le samedi").id
            db.session.commit()
    territory_plugins("beta", [])

    home = alpha.get("/").get_data(as_text=True)
    assert "Missions bénévoles" in home and "/missions/" in home
    assert "Tri des dons à la recyclerie" in home  # the home-page block
    search = alpha.get("/search?q=recyclerie").get_data(as_text=True)
    assert "Tri des dons à la recyclerie" in search and f"/missions/{ids['alpha']}" in search
    activity = alpha.get("/activity").get_data(as_text=True)
    assert "Mission bénévole publiée" in activity and "Tri des dons à la recyclerie" in activity
    open_data = alpha.get("/open-data").get_data(as_text=True)
    assert "Missions bénévoles ouvertes" in open_data and "/missions/open-data/missions.csv" in open_data

    home = beta.get("/").get_data(as_text=True)
    assert "Missions bénévoles" not in home and "Tri des dons" not in home
    assert "Tri des dons" not in beta.get("/search?q=recyclerie").get_data(as_text=True)
    assert "Mission bénévole publiée" not in beta.get("/activity").get_data(as_text=True)
    assert "Missions bénévoles ouvertes" not in beta.get("/open-data").get_data(as_text=True)


def test_accepting_a_volunteer_shows_in_the_feed_without_their_name(alpha, signed_in, cast):
    import re

    volunteer = signed_in(cast["volunteer"])
    volunteer.submit(f"/missions/{cast['mission']}/answer", {})
    member = signed_in(cast["member"])
    page = member.get(f"/missions/{cast['mission']}/responses").get_data(as_text=True)
    response_id = re.search(r"/missions/responses/(\d+)/accept", page).group(1)
    member.submit(f"/missions/responses/{response_id}/accept")
    feed = alpha.get("/activity").get_data(as_text=True)
    assert "Un·e bénévole rejoint une mission" in feed
    assert "Victor Volontaire" not in feed


def test_english_pages(territory_client, cast):
    client = territory_client("alpha")
    page = client.get("/missions/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Volunteer missions" in page and "1 mission found" in page
    page = client.get(f"/missions/{cast['mission']}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign in to take part" in page


def test_settings_choose_how_many_missions_the_home_page_shows(alpha, signed_in, make_user, cast, in_request,
                                                               make_mission):
    from ptcc.tenancy.models import TerritorySettings

    make_mission("alpha", cast["organisation"], title="Deuxième mission")
    assert "Deuxième mission" in alpha.get("/").get_data(as_text=True)
    admin = signed_in(make_user(role="admin"))
    settings_page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'name="plugin-volunteering-home_missions"' in settings_page
    assert "Missions affichées sur la page d" in settings_page

    with in_request("alpha"):
        row = db.session.get(TerritorySettings, 1) or TerritorySettings(
            id=1, name="", presentation="", locales=[], default_locale="", timezone="", primary_color="",
            accent_color="", logo_filename="")
        row.plugin_settings = {"volunteering": {"home_missions": 1}}
        db.session.add(row)
        db.session.commit()
    home = alpha.get("/").get_data(as_text=True)
    assert "Deuxième mission" in home and "Distribution alimentaire" not in home
    with in_request("alpha"):
        db.session.get(TerritorySettings, 1).plugin_settings = {"volunteering": {"home_missions": 0}}
        db.session.commit()
    assert "Dernières missions bénévoles" not in alpha.get("/").get_data(as_text=True)
    with in_request("alpha"):
        db.session.get(TerritorySettings, 1).plugin_settings = {"volunteering": {"home_missions": None}}
        db.session.commit()
    home = alpha.get("/").get_data(as_text=True)  # emptied: the default (3)
    assert "Deuxième mission" in home and "Distribution alimentaire" in home


def test_settings_form_bounds(in_request):
    from ptcc_volunteering.forms import VolunteeringSettingsForm
    from werkzeug.datastructures import MultiDict

    with in_request("alpha"):
        assert VolunteeringSettingsForm(MultiDict({"home_missions": "5"}), meta={"csrf": False}).validate()
        form = VolunteeringSettingsForm(MultiDict({"home_missions": "40"}), meta={"csrf": False})
        assert not form.validate() and form.home_missions.errors == ["Indiquez un nombre entre 0 et 12."]


def test_dashboard_block(signed_in, cast):
    volunteer = signed_in(cast["volunteer"])
    assert "Tous mes engagements" not in volunteer.get("/dashboard").get_data(as_text=True)
    volunteer.submit(f"/missions/{cast['mission']}/answer", {})
    page = volunteer.get("/dashboard").get_data(as_text=True)
    assert "Tous mes engagements" in page and "Distribution alimentaire" in page
    member_page = signed_in(cast["member"]).get("/dashboard").get_data(as_text=True)
    assert "Réponses en attente pour vos organisations" in member_page and "1 réponse en attente" in member_page


def test_personal_data_export_and_account_deletion(signed_in, cast, in_request):
    from ptcc.accounts import services as accounts
    from ptcc.accounts.models import User
    from ptcc_volunteering.models import Mission, Response

    volunteer = signed_in(cast["volunteer"])
    volunteer.submit(f"/missions/{cast['mission']}/answer", {"message": "Je viens avec un ami"})
    exported = volunteer.get("/account/export")
    assert exported.status_code == 200
    data = json.loads(exported.get_data(as_text=True))
    assert data["volunteering"]["answers"][0]["message"] == "Je viens avec un ami"
    with in_request("alpha"):
        accounts.delete_account(db.session.get(User, cast["volunteer"].id), cast["password"])
        db.session.commit()
        assert db.session.scalars(sa.select(Response)).all() == []
        assert db.session.get(Mission, cast["mission"]) is not None


def test_settings_form_keeps_the_value_when_the_field_is_not_posted(in_request):
    from werkzeug.datastructures import MultiDict

    from ptcc_volunteering.forms import VolunteeringSettingsForm

    with in_request("alpha"):
        form = VolunteeringSettingsForm(MultiDict({"other": "x"}), data={"home_missions": 5}, meta={"csrf": False})
        assert form.validate() and form.home_missions.data == 5
        emptied = VolunteeringSettingsForm(MultiDict({"home_missions": ""}), meta={"csrf": False})
        assert emptied.validate() and emptied.home_missions.data is None
