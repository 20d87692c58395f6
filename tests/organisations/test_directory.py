"""The public directory: filters, pagination, empty states, figures, home block and search."""

from __future__ import annotations

import pytest

from ptcc.organisations import directory
from ptcc.organisations.models import Circle, OrganisationKind
from tests.organisations.conftest import service_context


def cards(html: str) -> str:
    """The list of results only (filters and figures left out)."""
    if '<ul class="cards">' not in html:
        return ""
    return html.split('<ul class="cards">', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def territory(make_user, make_organisation):
    owner = make_user(tenant="alpha")
    make_organisation(owner, name="Vélo Cité", kind="association", commune="Villeurbanne", declared_members=620,
                      topics=("Mobilité", "Démocratie"))
    make_organisation(owner, name="La Fabrique", kind="third_place", commune="Lyon", declared_members=240,
                      topics=("Culture",))
    make_organisation(owner, name="Mairie de Saint-Fons", kind="local_authority", commune="Saint-Fons",
                      circle=Circle.SECOND, topics=("Démocratie",))
    make_organisation(owner, name="Pending Collective", kind="citizen_collective", commune="Lyon",
                      status="pending", declared_members=1000, topics=("Culture",))
    make_organisation(owner, name="Refused Media", kind="citizen_media", commune="Lyon", status="refused")
    make_organisation(make_user(tenant="beta"), tenant="beta", name="Beta Only", commune="Lyon")
    return owner


def test_directory_lists_approved_organisations_of_this_territory_only(alpha, territory):
    html = alpha.get("/organisations/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    listed = cards(html)
    assert "Vélo Cité" in listed and "La Fabrique" in listed and "Mairie de Saint-Fons" in listed
    assert "Pending Collective" not in html and "Refused Media" not in html and "Beta Only" not in html
    assert "3 organisations found." in html


@pytest.mark.parametrize("query,shown,hidden", [
    ("kind=third_place", ["La Fabrique"], ["Vélo Cité", "Mairie"]),
    ("topic=democratie", ["Vélo Cité", "Mairie"], ["La Fabrique"]),
    ("commune=lyon", ["La Fabrique"], ["Vélo Cité", "Mairie"]),
    ("kind=association&topic=democratie", ["Vélo Cité"], ["Mairie", "La Fabrique"]),
])
def test_filters(alpha, territory, query, shown, hidden):
    response = alpha.get(f"/organisations/?{query}")
    assert response.status_code == 200
    listed = cards(response.get_data(as_text=True))
    for name in shown:
        assert name in listed, name
    for name in hidden:
        assert name not in listed, name


def test_filters_without_result_and_empty_directory(alpha, territory, make_user):
    html = alpha.get("/organisations/?kind=research_centre", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No organisation matches these filters." in html and cards(html) == ""
    beta_empty = alpha.get("/organisations/?commune=Nowhere").get_data(as_text=True)
    assert cards(beta_empty) == ""


def test_empty_directory_says_so(alpha):
    html = alpha.get("/organisations/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No organisation has joined the territory yet." in html
    assert "Figures will appear here once organisations have joined." in html


@pytest.mark.parametrize("query", ["kind=emperor", "topic=no-such-topic", f"topic={'x' * 300}"])
def test_bad_filters_are_400_with_a_message(alpha, territory, query):
    response = alpha.get(f"/organisations/?{query}", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Unknown kind of organisation." in html or "Unknown topic." in html
    assert "Vélo Cité" in cards(html)  # the rest of the page still works


@pytest.mark.parametrize("page", ["abc", "-3", "0", "999"])
def test_odd_page_numbers_do_not_fail(alpha, territory, page):
    assert alpha.get(f"/organisations/?page={page}").status_code == 200


def test_pagination_keeps_the_filters(app, alpha, make_user, make_organisation, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_PER_PAGE", 2)
    owner = make_user(tenant="alpha")
    for n in range(5):
        make_organisation(owner, name=f"Association {n}", commune="Rennes")
    make_organisation(owner, name="Elsewhere", commune="Paimpont")
    first = alpha.get("/organisations/?commune=Rennes", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="next"' in first
    assert "Association 0" in cards(first) and "Association 2" not in cards(first)
    assert "commune=Rennes" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
    third = alpha.get("/organisations/?commune=Rennes&page=3", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Association 4" in cards(third) and "Elsewhere" not in cards(third) and 'rel="prev"' in third


def test_figures_count_approved_organisations_only(app, territory):
    with service_context(app):
        figures = directory.figures()
    assert figures.organisations == 3
    assert figures.declared_members == 860 and figures.declaring == 2
    assert figures.by_kind == [(OrganisationKind.ASSOCIATION, 1), (OrganisationKind.THIRD_PLACE, 1),
                               (OrganisationKind.LOCAL_AUTHORITY, 1)]
    assert figures.by_circle == [(Circle.FIRST, 2), (Circle.SECOND, 1)]
    assert [(topic.name, n) for topic, n in figures.by_topic] == [("Démocratie", 2), ("Culture", 1),
                                                                   ("Mobilité", 1)]


def test_figures_are_on_the_directory_page_in_tables(alpha, territory):
    html = alpha.get("/organisations/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<caption>Organisations by kind</caption>" in html
    assert "<caption>Organisations by topic</caption>" in html
    assert '<th scope="row" data-label="Topic"><a href="/organisations/?topic=democratie">Démocratie</a></th>' in html
    assert '<td data-label="Organisations" class="numeric">2</td>' in html
    assert "<strong class=\"figure-value\">860</strong>" in html


def test_home_page_shows_recent_organisations(alpha, territory):
    html = alpha.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Organisations of the territory" in html
    assert "Vélo Cité" in html and "Pending Collective" not in html


def test_search_finds_approved_organisations_by_name_topic_commune(app, territory):
    with service_context(app):
        assert [o.name for o in directory.search("fabrique", 5)] == ["La Fabrique"]
        assert [o.name for o in directory.search("culture", 5)] == ["La Fabrique"]  # not the pending one
        assert [o.name for o in directory.search("saint-fons", 5)] == ["Mairie de Saint-Fons"]
        assert directory.search("%", 5) == [] and directory.search("", 5) == []
        assert len(directory.search("d", 1)) == 1  # "de", "Démocratie": two found, one asked


def test_menu_has_directory_for_all_and_my_organisations_when_signed_in(alpha, signed_in):
    anonymous = alpha.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/organisations/"' in anonymous and 'href="/organisations/mine"' not in anonymous
    _user, client = signed_in("member")
    assert 'href="/organisations/mine"' in client.get("/").get_data(as_text=True)


def test_dashboard_shows_my_organisations_and_what_waits_for_me(make_user, make_organisation, client_for):
    owner = make_user(tenant="alpha", locale="en", role="moderator")
    asking = make_user(tenant="alpha")
    make_organisation(owner, name="Vélo Cité", members=[(asking, "member", False, "pending")])
    make_organisation(owner, name="Waiting Org", status="pending")
    html = client_for(owner).get("/dashboard").get_data(as_text=True)
    assert "1 person asks to join Vélo Cité." in html
    assert "1 organisation asks to join the territory." in html
    assert 'href="/organisations/organisation-' in html
    assert "Waiting Org" not in html.split("dashboard-organisations-title", 1)[1].split("</section>", 1)[0]
