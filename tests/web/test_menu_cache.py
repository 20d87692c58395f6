"""The main menu kept across requests (ptcc.web.menu): per person, language and data version.

Every test draws the menu for somebody first, so that the value is in the cache, then checks
that somebody else, another language or a write is not answered with it. Signing in is a
write (the last sign-in is saved): everybody signs in first, so that the requests compared
share a data version, and there is a data version at all (``with_a_data_version``).
"""

from __future__ import annotations

import re

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD


def main_menu(client, language="en") -> list[str]:
    response = client.get("/", headers={"Accept-Language": language})
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r">([^<>]+)</a>", nav)


def signed_in(territory_client, user, slug="alpha"):
    client = territory_client(slug)
    client.login(user.email, DEFAULT_PASSWORD)
    return client


def with_a_data_version(in_territory, slug="alpha"):
    """Nothing is cached in a territory whose data version row is missing (emptied tables)."""
    from ptcc.caching import bump_data_version

    with in_territory(slug):
        bump_data_version(db.session)
        db.session.commit()


def set_role(in_territory, user, role, slug="alpha"):
    from ptcc.accounts.models import User

    with in_territory(slug):
        db.session.get(User, user.id).role = role
        db.session.commit()


def test_a_moderators_menu_is_not_shown_to_a_member(app, make_user, territory_client):
    from ptcc.accounts.models import Role

    moderator = make_user(tenant="alpha", locale="en", role=Role.MODERATOR)
    member = make_user(tenant="alpha", locale="en")
    as_moderator, as_member = signed_in(territory_client, moderator), signed_in(territory_client, member)
    assert "Administration" in main_menu(as_moderator)
    assert "Administration" in main_menu(as_moderator)  # kept, the same
    as_member = main_menu(as_member)
    assert "Administration" not in as_member and "My dashboard" in as_member


def test_a_visitor_gets_no_signed_in_entries_after_a_person(app, make_user, territory_client):
    person = make_user(tenant="alpha", locale="en")
    client = signed_in(territory_client, person)
    assert "My organisations" in main_menu(client)
    visitor = main_menu(territory_client("alpha"))
    assert "My organisations" not in visitor and "My dashboard" not in visitor and "Home" in visitor


def test_a_new_role_changes_the_menu_at_the_next_request(app, in_territory, make_user, territory_client):
    from ptcc.accounts.models import Role

    person = make_user(tenant="alpha", locale="en")
    client = signed_in(territory_client, person)
    assert "Administration" not in main_menu(client)
    set_role(in_territory, person, Role.MODERATOR)
    assert "Administration" in main_menu(client)
    set_role(in_territory, person, Role.MEMBER)
    assert "Administration" not in main_menu(client)


def test_the_menu_is_kept_per_language(app, in_territory, territory_client):
    with_a_data_version(in_territory)
    visitor = territory_client("alpha")
    assert "Home" in main_menu(visitor, "en")
    assert "Accueil" in main_menu(visitor, "fr") and "Home" not in main_menu(visitor, "fr")
    assert "Home" in main_menu(visitor, "en")


def test_the_menu_is_kept_per_territory(app, make_user, territory_client):
    from ptcc.accounts.models import Role

    moderator = make_user(tenant="alpha", locale="en", role=Role.MODERATOR)
    other = make_user(tenant="beta", locale="en")
    as_moderator, as_other = signed_in(territory_client, moderator), signed_in(territory_client, other, "beta")
    assert "Administration" in main_menu(as_moderator)
    # The same id in another territory may be another person: the key holds the territory.
    assert "Administration" not in main_menu(as_other)


def test_the_menu_is_kept_per_url_root(app, in_territory, territory_client):
    def links(client):
        html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        return re.findall(r'<a href="([^"]+)"[^>]*>Activity</a>', html)

    with_a_data_version(in_territory)
    assert links(territory_client("alpha")) == ["/activity"]
    assert links(territory_client("alpha", prefix=True)) == ["/t/alpha/activity"]
    assert links(territory_client("alpha")) == ["/activity"]


def test_menu_entries_keep_the_items_fields(app, in_territory):
    from ptcc.tenancy import tenant_context
    from ptcc.web.menu import menu_entries

    with_a_data_version(in_territory)
    with tenant_context("alpha", app=app), app.test_request_context(base_url="http://alpha.test"):
        first = menu_entries()
        again = menu_entries()
    assert [item.endpoint for item, _url in first] == [item.endpoint for item, _url in again]
    assert all(isinstance(item.label, str) and item.permission is None for item, _url in again)
    assert ("web.index", "/") in [(item.endpoint, url) for item, url in again]
