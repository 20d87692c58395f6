"""The dashboard's cached data (ptcc.organisations.dashboard, ptcc_volunteering.dashboard, the
latest activity) and the cached person of every signed-in request (ptcc.accounts.loader).

What is cached is kept per territory and data version, and per person where it is personal:
each test checks that a write shows at the next request, and that nobody sees what was
cached for somebody else, in this territory or another.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.testing.clients import TerritoryClient
from ptcc.testing.factories import DEFAULT_PASSWORD

_numbers = itertools.count(1)


# --- helpers: rows written through the ORM and committed, as the services do ---------------------


def add_organisation(in_territory, owner, slug="alpha", name=None, status="approved", members=()):
    """An organisation owned by ``owner``; ``members``: (user, membership status) pairs."""
    from ptcc.organisations.models import (Membership, MembershipRole, MembershipStatus, Organisation,
                                           OrganisationKind, OrganisationStatus)

    n = next(_numbers)
    with in_territory(slug):
        organisation = Organisation(slug=f"dash-org-{n}", name=name or f"Dashboard Org {n}",
                                    kind=OrganisationKind.ASSOCIATION, commune="Lyon",
                                    status=OrganisationStatus(status))
        db.session.add(organisation)
        db.session.flush()
        db.session.add(Membership(organisation_id=organisation.id, user_id=owner.id, role=MembershipRole.OWNER,
                                  status=MembershipStatus.ACTIVE))
        for user, membership_status in members:
            db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, role=MembershipRole.MEMBER,
                                      status=MembershipStatus(membership_status)))
        db.session.commit()
        return organisation.id


def add_mission(in_territory, organisation_id, title, slug="alpha"):
    from ptcc_volunteering.models import Mission, MissionStatus

    with in_territory(slug):
        mission = Mission(organisation_id=organisation_id, status=MissionStatus.OPEN, title=title,
                          description="Aider.", commune="Lyon", starts_on=date.today() + timedelta(days=7),
                          ends_on=date.today() + timedelta(days=7), availability="", volunteers_needed=2,
                          contact="contact@example.org")
        db.session.add(mission)
        db.session.commit()
        return mission.id


def add_answer(in_territory, mission_id, user, status="pending", slug="alpha"):
    from ptcc_volunteering.models import Response, ResponseStatus

    with in_territory(slug):
        response = Response(mission_id=mission_id, user_id=user.id, message="", status=ResponseStatus(status))
        db.session.add(response)
        db.session.commit()
        return response.id


def change(in_territory, model, row_id, slug="alpha", **values):
    with in_territory(slug):
        row = db.session.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def signed_in(territory_client, user, slug="alpha"):
    client = territory_client(slug)
    client.login(user.email, DEFAULT_PASSWORD)
    return client


def dashboard(client) -> str:
    response = client.get("/dashboard", headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(html: str, title_id: str) -> str:
    """The dashboard block whose heading has this id ("" when the block is not shown)."""
    if title_id not in html:
        return ""
    return html.split(title_id, 1)[1].split("</section>", 1)[0]


@pytest.fixture
def other_process(ptcc_base_config, app):
    """A second application on the same databases: what another gunicorn worker is."""
    from ptcc.app import create_app

    other = create_app(ptcc_base_config)
    yield other
    other.extensions["ptcc"].engines.dispose_all()


# --- the blocks show a write at the next request ---------------------------------------------------


def test_the_organisations_block_shows_each_write_at_the_next_request(app, in_territory, make_user,
                                                                      territory_client):
    from ptcc.organisations.models import Membership, MembershipStatus, Organisation

    owner = make_user(tenant="alpha", locale="en")
    asking = make_user(tenant="alpha")
    organisation_id = add_organisation(in_territory, owner, name="Vélo Cité")
    client = signed_in(territory_client, owner)
    block = section(dashboard(client), "dashboard-organisations-title")
    assert "Vélo Cité" in block and "asks to join" not in block
    assert section(dashboard(client), "dashboard-organisations-title") == block  # the cached answer

    add_organisation(in_territory, make_user(tenant="alpha"), name="Autre Org",
                     members=[(owner, "active")])
    change(in_territory, Organisation, organisation_id, name="Vélo Cité Rhône")
    with in_territory("alpha"):
        db.session.add(Membership(organisation_id=organisation_id, user_id=asking.id,
                                  status=MembershipStatus.PENDING))
        db.session.commit()
    block = section(dashboard(client), "dashboard-organisations-title")
    assert "1 person asks to join Vélo Cité Rhône." in block
    assert block.index("Autre Org") < block.index("Vélo Cité Rhône</a>")  # by name

    with in_territory("alpha"):
        db.session.execute(sa.update(Membership).where(Membership.user_id == owner.id)
                           .values(status=MembershipStatus.PENDING))  # through SQL, not the ORM's objects
        db.session.commit()
    block = section(dashboard(client), "dashboard-organisations-title")
    assert "Vélo Cité" not in block and "You do not belong to any organisation yet." in block


def test_a_new_moderator_sees_the_organisations_waiting_at_once(app, in_territory, make_user, territory_client):
    from ptcc.accounts.models import Role, User

    person = make_user(tenant="alpha", locale="en")
    add_organisation(in_territory, make_user(tenant="alpha"), status="pending")
    client = signed_in(territory_client, person)
    assert "ask to join the territory" not in dashboard(client) and "asks to join the territory" not in dashboard(client)
    change(in_territory, User, person.id, role=Role.MODERATOR)
    assert "1 organisation asks to join the territory." in dashboard(client)
    add_organisation(in_territory, make_user(tenant="alpha"), status="pending")
    assert "2 organisations ask to join the territory." in dashboard(client)


def test_the_volunteering_block_shows_each_write_at_the_next_request(app, in_territory, make_user,
                                                                     territory_client):
    from ptcc_volunteering.models import Mission, Response, ResponseStatus

    member, volunteer = make_user(tenant="alpha", locale="en"), make_user(tenant="alpha", locale="en")
    organisation_id = add_organisation(in_territory, member)
    mission_id = add_mission(in_territory, organisation_id, "Distribution alimentaire")
    as_volunteer, as_member = signed_in(territory_client, volunteer), signed_in(territory_client, member)
    assert section(dashboard(as_volunteer), "volunteering-dashboard-title") == ""
    assert section(dashboard(as_member), "volunteering-dashboard-title") == ""

    response_id = add_answer(in_territory, mission_id, volunteer)
    block = section(dashboard(as_volunteer), "volunteering-dashboard-title")
    assert f'href="/missions/{mission_id}">Distribution alimentaire</a>' in block
    assert "Waiting for the organisation" in block
    block = section(dashboard(as_member), "volunteering-dashboard-title")
    assert f'href="/missions/{mission_id}/responses">Distribution alimentaire</a>' in block
    assert "1 answer waiting for a decision" in block

    change(in_territory, Response, response_id, status=ResponseStatus.ACCEPTED)
    change(in_territory, Mission, mission_id, title="Distribution du samedi")
    block = section(dashboard(as_volunteer), "volunteering-dashboard-title")
    assert "Distribution du samedi" in block and "Accepted" in block and "Waiting for" not in block
    assert section(dashboard(as_member), "volunteering-dashboard-title") == ""  # nothing waits now

    change(in_territory, Response, response_id, status=ResponseStatus.WITHDRAWN)
    assert section(dashboard(as_volunteer), "volunteering-dashboard-title") == ""


def test_the_latest_activity_follows_the_feed(app, in_territory, make_user, territory_client):
    from ptcc.activity.services import publish

    person = make_user(tenant="alpha", locale="en")
    client = signed_in(territory_client, person)
    assert "Nothing has happened here yet." in dashboard(client)
    with in_territory("alpha"):
        for n in range(7):
            publish("volunteering.mission_published", f"Entrée {n}", "volunteering.show", {"mission_id": 100 + n},
                    actor=None)
        db.session.commit()
    feed = section(dashboard(client), "latest-activity-title")
    assert [f"Entrée {n}" for n in (6, 5, 4, 3, 2)] == re.findall(r"Entrée \d", feed)
    assert 'href="/missions/106"' in feed
    with in_territory("alpha"):
        publish("volunteering.mission_published", "La plus récente", "", {}, actor=None)
        db.session.commit()
    assert "La plus récente" in section(dashboard(client), "latest-activity-title")


def test_the_latest_activity_leaves_out_disabled_plugins(app, in_territory, make_user, territory_client,
                                                         territory_plugins):
    from ptcc.activity.services import publish

    person = make_user(tenant="alpha", locale="en")
    with in_territory("alpha"):
        publish("volunteering.mission_published", "Mission publiée", "volunteering.show", {"mission_id": 1})
        db.session.commit()
    client = signed_in(territory_client, person)
    assert "Mission publiée" in dashboard(client)
    territory_plugins("alpha", [])
    assert "Mission publiée" not in dashboard(client)


# --- nobody sees what was cached for somebody else ------------------------------------------------


def test_one_persons_blocks_are_never_shown_to_another(app, in_territory, make_user, territory_client):
    first, second = make_user(tenant="alpha", locale="en"), make_user(tenant="alpha", locale="en")
    first_org = add_organisation(in_territory, first, name="Première Org")
    add_organisation(in_territory, second, name="Seconde Org")
    mission_id = add_mission(in_territory, first_org, "Mission de la première")
    add_answer(in_territory, mission_id, second)
    as_first, as_second = signed_in(territory_client, first), signed_in(territory_client, second)
    for _ in range(2):  # the second time, both are served from the cache
        mine, theirs = dashboard(as_first), dashboard(as_second)
        assert "Première Org" in mine and "Seconde Org" not in mine
        assert "Seconde Org" in theirs and "Première Org" not in theirs
        assert "1 answer waiting for a decision" in mine and "Waiting for the organisation" not in mine
        assert "Waiting for the organisation" in theirs and "answer waiting" not in theirs
        assert f"Hello {first.display_name}." in mine and f"Hello {second.display_name}." in theirs


def test_a_territory_never_shows_what_was_cached_for_another(app, in_territory, make_user, territory_client):
    in_alpha = make_user(tenant="alpha", locale="en", display_name="Alice Alpha")
    in_beta = make_user(tenant="beta", locale="en", display_name="Bruno Beta")
    # The same id in both databases: the cache keys must tell the territories apart.
    while in_beta.id < in_alpha.id:
        in_beta = make_user(tenant="beta", locale="en", display_name="Bruno Beta")
    while in_alpha.id < in_beta.id:
        in_alpha = make_user(tenant="alpha", locale="en", display_name="Alice Alpha")
    assert in_alpha.id == in_beta.id
    add_organisation(in_territory, in_alpha, name="Org d'Alpha")
    add_organisation(in_territory, in_beta, slug="beta", name="Org de Bêta")
    alpha_client, beta_client = signed_in(territory_client, in_alpha), signed_in(territory_client, in_beta, "beta")
    for _ in range(2):
        alpha_page, beta_page = dashboard(alpha_client), dashboard(beta_client)
        assert "Hello Alice Alpha." in alpha_page and "Org d&#39;Alpha" in alpha_page and "Bêta" not in alpha_page
        assert "Hello Bruno Beta." in beta_page and "Org de Bêta" in beta_page and "Alpha" not in beta_page


# --- the cached person --------------------------------------------------------------------------


def test_a_new_password_ends_the_other_sessions_at_their_next_request(app, in_territory, make_user,
                                                                      territory_client, other_process):
    from ptcc.accounts.models import User
    from ptcc.accounts.services import set_new_password

    person = make_user(tenant="alpha", locale="en")
    here = signed_in(territory_client, person)
    elsewhere = TerritoryClient(other_process.test_client(), here.host)
    elsewhere.login(person.email, DEFAULT_PASSWORD)
    for client in (here, elsewhere):  # both processes have the person cached now
        dashboard(client)
        dashboard(client)
    with in_territory("alpha"):
        set_new_password(db.session.get(User, person.id), "an entirely new passphrase 42")
        db.session.commit()
    for client in (here, elsewhere):
        response = client.get("/dashboard")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_deleted_account_is_signed_out_and_a_renamed_one_shows_its_new_name(app, in_territory, make_user,
                                                                             territory_client):
    from ptcc.accounts.models import User

    renamed, deleted = make_user(tenant="alpha", locale="en"), make_user(tenant="alpha", locale="en")
    as_renamed, as_deleted = signed_in(territory_client, renamed), signed_in(territory_client, deleted)
    dashboard(as_renamed), dashboard(as_deleted)
    change(in_territory, User, renamed.id, display_name="Nouveau Nom")
    assert "Hello Nouveau Nom." in dashboard(as_renamed)
    with in_territory("alpha"):
        db.session.delete(db.session.get(User, deleted.id))
        db.session.commit()
    assert as_deleted.get("/dashboard").status_code == 302


def test_the_cached_person_writes_nothing_keeps_no_password_hash_and_can_still_change(
        app, in_territory, make_user, territory_client):
    from ptcc.accounts.models import User
    from ptcc.caching import data_version, store

    person = make_user(tenant="alpha", locale="en")
    client = signed_in(territory_client, person)
    dashboard(client)
    with in_territory("alpha"):
        before = data_version()
        password_hash = db.session.get(User, person.id).password_hash
    for _ in range(3):
        dashboard(client)
    with in_territory("alpha"):
        assert data_version() == before  # reading pages writes nothing, the person included
        cached = repr(list(store()._entries.values())) if hasattr(store(), "_entries") else ""
    assert password_hash not in cached and person.email in cached
    # The person loaded from the cache is an ordinary persistent object: a change is saved.
    response = client.submit("/account/", {"display_name": "Changé Par Le Profil", "locale": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert "Hello Changé Par Le Profil." in dashboard(client)


# --- statements: a few, whatever the data ------------------------------------------------------------


def _statements_of_a_warm_dashboard(app, client) -> list[str]:
    texts = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.strip().upper() != "BEGIN":
            texts.append(statement)

    dashboard(client)
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_execute)
    try:
        dashboard(client)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", on_execute)
    return texts


def test_a_warm_dashboard_reads_no_organisation_answer_or_feed_and_does_not_grow(app, in_territory, make_user,
                                                                                  territory_client):
    person = make_user(tenant="alpha", locale="en")
    organisation_id = add_organisation(in_territory, person)
    mission_id = add_mission(in_territory, organisation_id, "Première mission")
    add_answer(in_territory, mission_id, make_user(tenant="alpha"))
    client = signed_in(territory_client, person)
    small = _statements_of_a_warm_dashboard(app, client)
    for n in range(25):
        other_org = add_organisation(in_territory, make_user(tenant="alpha"), members=[(person, "active")])
        other_mission = add_mission(in_territory, other_org, f"Mission {n}")
        add_answer(in_territory, other_mission, person)
        add_answer(in_territory, other_mission, make_user(tenant="alpha"))
    large = _statements_of_a_warm_dashboard(app, client)
    assert len(large) <= len(small)
    tables = ("organisations", "memberships", "volunteering_", "activity_entries", "FROM users")
    assert not [text for text in large if any(table in text for table in tables)], large


# --- the dashboard's content, kept as HTML per person --------------------------------------------


def _content_renders(app):
    """Names of the templates rendered while the block runs."""
    from flask import template_rendered

    seen: list[str] = []

    def note(_sender, template, context, **_extra):
        seen.append(template.name)

    template_rendered.connect(note, app)
    return seen, lambda: template_rendered.disconnect(note, app)


def test_the_content_is_rendered_once_per_person_and_version(app, in_territory, make_user, territory_client):
    person, other = make_user(tenant="alpha", locale="en"), make_user(tenant="alpha", locale="en")
    add_organisation(in_territory, person, name="Les Jardins du Rhône")
    client, other_client = signed_in(territory_client, person), signed_in(territory_client, other)
    seen, stop = _content_renders(app)
    try:
        first = dashboard(client)
        again = dashboard(client)
        theirs = dashboard(other_client)
        add_organisation(in_territory, person, name="La Fabrique des Pentes")
        after_write = dashboard(client)
    finally:
        stop()
    assert seen.count("web/_dashboard_content.html") == 3  # person, the other one, after the write
    assert seen.count("web/dashboard.html") == 4  # the page itself (its sign-out token) every time
    assert "Les Jardins du Rhône" in again and again.split("<main", 1)[1] == first.split("<main", 1)[1]
    assert "Les Jardins du Rhône" not in theirs
    assert "La Fabrique des Pentes" in after_write


def test_a_block_that_makes_a_form_is_rendered_every_time(app, in_territory, make_user, territory_client,
                                                         monkeypatch):
    from jinja2 import ChoiceLoader, DictLoader

    from ptcc.plugins.types import Block
    from ptcc.web import pages

    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([
        DictLoader({"tests/_form_block.html": '<form method="post"><input name="csrf_token" '
                                              'value="{{ csrf_token() }}"></form>'}),
        app.jinja_env.loader]))
    monkeypatch.setattr(pages, "blocks", lambda hook_name, **kwargs: [Block(template="tests/_form_block.html")])
    person = make_user(tenant="alpha", locale="en")
    client = signed_in(territory_client, person)
    seen, stop = _content_renders(app)
    try:
        dashboard(client)
        dashboard(client)
        client.post("/account/logout", data={"csrf_token": client.csrf_token()})
        client.login(person.email, DEFAULT_PASSWORD)
        html = dashboard(client)
    finally:
        stop()
    assert seen.count("web/_dashboard_content.html") == 3
    token = re.search(r'<form method="post"><input name="csrf_token" value="([^"]+)"', html).group(1)
    # The token of this session, which a kept fragment of the last one would not carry.
    assert client.post("/language", data={"csrf_token": token, "locale": "fr"}).status_code in (302, 303)
