"""The core's territory-wide pages: search, open data, activity feed, dashboard."""

from __future__ import annotations

import re

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD


def test_search_page_without_words_invites_to_type(alpha):
    response = alpha.get("/search", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Search the territory</h1>" in html
    assert '<label for="search-q">' in html and 'class="empty"' in html


def test_search_without_results_says_so(alpha):
    html = alpha.get("/search?q=zzzz-nothing-matches", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No result for “zzzz-nothing-matches”" in html


def test_search_query_is_trimmed_and_escaped(alpha):
    html = alpha.get("/search?q=%20%3Cscript%3Ex%3C/script%3E%20%20y").get_data(as_text=True)
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt; y" in html


def test_every_page_has_a_labelled_search_form(alpha):
    html = alpha.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'role="search"' in html and '<label for="site-search">Search</label>' in html


def test_open_data_page_without_plugins_lists_the_directory(beta, territory_plugins):
    territory_plugins("beta", [])
    response = beta.get("/open-data", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The core's own dataset: the directory (ptcc.organisations.open_data); no plugin's.
    assert "<h1>Open data</h1>" in html and "Directory of organisations" in html
    assert "publishes no dataset yet" not in html and "/missions/" not in html


def test_activity_page_without_entries_has_an_empty_state(alpha):
    response = alpha.get("/activity", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Nothing has happened here yet" in response.get_data(as_text=True)


def test_activity_page_ignores_a_page_number_out_of_range(alpha):
    assert alpha.get("/activity?page=999").status_code == 200
    assert alpha.get("/activity?page=-3").status_code == 200


def test_dashboard_is_for_signed_in_people(alpha, make_user):
    assert alpha.get("/dashboard").status_code == 302
    home = alpha.get("/").get_data(as_text=True)
    assert 'href="/dashboard"' not in home
    person = make_user(tenant="alpha", display_name="Dominique", locale="en")
    alpha.login(person.email, DEFAULT_PASSWORD)
    html = alpha.get("/dashboard").get_data(as_text=True)
    assert "<h1>My dashboard</h1>" in html and "Hello Dominique" in html
    assert 'href="/dashboard"' in alpha.get("/").get_data(as_text=True)


def test_menu_offers_activity_and_open_data(alpha):
    html = alpha.get("/").get_data(as_text=True)
    assert 'href="/activity"' in html and 'href="/open-data"' in html


@pytest.mark.parametrize("prefix", [False, True], ids=["host", "prefix"])
def test_the_menu_marks_the_page_being_read(territory_client, prefix):
    client = territory_client("alpha", prefix=prefix)
    html = client.get("/organisations/").get_data(as_text=True)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    assert current == [client.url("/organisations/")]
