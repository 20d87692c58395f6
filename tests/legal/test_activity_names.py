"""Whose names the public activity feed shows: the territory's ``activity_names`` setting."""

from __future__ import annotations

import pytest

from ptcc.extensions import db
from ptcc.web.page_cache import HEADER

PASSWORD = "une phrase assez longue"
PERSON, ORGANISATION = "Nadia Haddad", "Les Jardins Partagés"
SETTINGS = {"name": "Territoire Alpha", "presentation": "", "locales": ["fr", "en"], "default_locale": "fr",
            "timezone": "Europe/Paris", "primary_color": "#1f4e8c", "accent_color": "#8a3b12"}


@pytest.fixture
def entry(app, in_territory, make_user):
    """One entry of the feed, by a person acting for an organisation."""
    from ptcc.activity.models import ActivityEntry
    from ptcc.plugins.manager import plugin_manager

    person = make_user(tenant="alpha", email="nadia@example.org", display_name=PERSON)
    with in_territory("alpha"):
        kind, plugin = sorted(plugin_manager().activity_kinds().items())[0]
        db.session.add(ActivityEntry(kind=kind, plugin=plugin, subject="Repair café", endpoint="web.index",
                                     url_values={}, actor_id=person.id, actor_label=PERSON,
                                     organisation_label=ORGANISATION))
        db.session.commit()


def choose(in_territory, choice):
    from ptcc.tenancy.models import TerritorySettings

    with in_territory("alpha"):
        row = db.session.get(TerritorySettings, 1) or TerritorySettings(id=1)
        row.activity_names = choice
        db.session.add(row)
        db.session.commit()


def signed_in(alpha, make_user, role="member"):
    make_user(tenant="alpha", email=f"{role}@example.org", role=role, password=PASSWORD)
    alpha.login(f"{role}@example.org", PASSWORD)
    return alpha


@pytest.mark.parametrize("choice, anonymous_sees, member_sees", [
    ("", False, True),  # never chosen: the default
    ("members", False, True),
    ("always", True, True),
    ("never", False, False),
])
def test_the_feed_names_people_as_the_setting_says(alpha, beta, make_user, in_territory, entry,
                                                   choice, anonymous_sees, member_sees):
    choose(in_territory, choice)

    anonymous = alpha.get("/activity").get_data(as_text=True)
    assert "Repair café" in anonymous and ORGANISATION in anonymous  # organisations always
    assert (PERSON in anonymous) is anonymous_sees

    member = signed_in(alpha, make_user)
    page = member.get("/activity").get_data(as_text=True)
    assert ORGANISATION in page and (PERSON in page) is member_sees
    dashboard = member.get("/dashboard").get_data(as_text=True)
    assert "Repair café" in dashboard and (PERSON in dashboard) is member_sees


def test_the_settings_page_offers_the_choice_and_refuses_another(alpha, make_user, in_territory):
    from ptcc.tenancy.models import TerritorySettings

    admin = signed_in(alpha, make_user, role="admin")
    page = admin.get("/admin/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="activity_names"' in page and '<option selected value="members">' in page

    refused = admin.submit("/admin/settings", {**SETTINGS, "activity_names": "everybody"})
    assert refused.status_code == 400 and 'id="activity_names-error"' in refused.get_data(as_text=True)
    with in_territory("alpha"):
        row = db.session.get(TerritorySettings, 1)
        assert row is None or row.activity_names == ""


def test_the_feed_of_an_unknown_choice_follows_the_default(alpha, in_territory, entry):
    choose(in_territory, "nonsense")  # written by hand in the database
    page = alpha.get("/activity").get_data(as_text=True)
    assert ORGANISATION in page and PERSON not in page


def test_a_published_mission_names_its_organisation(app, in_territory, make_user):
    from ptcc.activity.services import publish
    from ptcc.plugins.manager import plugin_manager

    class Org:
        name = ORGANISATION

    person = make_user(tenant="alpha", email="nadia@example.org", display_name=PERSON)
    with in_territory("alpha"):
        kind = sorted(plugin_manager().activity_kinds())[0]
        actor = db.session.get(type(person), person.id)
        entry = publish(kind, "Repair café", "web.index", actor=actor, organisation=Org())
        assert (entry.actor_label, entry.organisation_label) == (PERSON, ORGANISATION)


@pytest.mark.parametrize("path", ["/", "/activity"])
def test_saving_the_setting_changes_the_kept_page_for_visitors(alpha, territory_client, make_user, in_territory,
                                                               entry, path):
    """The home page and the feed are kept for signed-out visitors (ptcc.web.page_cache), per
    data version: saving the settings changes the version, so the kept page is not shown again."""
    choose(in_territory, "always")
    visitor = territory_client("alpha")
    first = visitor.get(path)
    assert PERSON in first.get_data(as_text=True)
    kept = visitor.get(path)
    assert kept.headers.get(HEADER) == "hit" and PERSON in kept.get_data(as_text=True)

    admin = signed_in(alpha, make_user, role="admin")
    assert admin.submit("/admin/settings", {**SETTINGS, "activity_names": "never"}).status_code == 302

    response = visitor.get(path)
    assert response.headers.get(HEADER) != "hit"
    again = response.get_data(as_text=True)
    assert "Repair café" in again and ORGANISATION in again and PERSON not in again
