"""The header (brand, menu button, navigation, search, account, language) and the footer."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD


def page(client, path="/", **headers):
    response = client.get(path, headers={"Accept-Language": "en", **headers})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def language_next(html: str) -> str:
    form = html.split('class="language-switch"', 1)[1].split("</form>", 1)[0]
    return htmllib.unescape(re.search(r'name="next" value="([^"]*)"', form).group(1))


def test_the_header_has_a_menu_button_that_works_without_javascript(alpha):
    html = page(alpha)
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    # A <details> menu button, then the panel it opens (CSS: details[open] ~ .header-panel).
    assert re.search(r'<details class="site-menu">\s*<summary>.*?<span>Menu</span></summary>\s*</details>\s*<div class="header-panel">', header, re.S)
    panel = header.split('<div class="header-panel">', 1)[1]
    assert 'class="main-nav"' in panel and 'role="search"' in panel and 'class="account-links"' in panel
    assert 'class="language-switch"' in panel and "<script" not in html
    assert '<a class="brand" href="/">' in header


def test_the_language_switch_keeps_the_page_and_its_query(alpha, territory_client):
    html = page(alpha, "/organisations/?kind=association&page=1")
    target = language_next(html)
    assert target == "/organisations/?kind=association&page=1"
    response = alpha.get("/language", query_string={"locale": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"].endswith(target)
    prefixed = territory_client("alpha", prefix=True)
    assert language_next(page(prefixed, "/organisations/?kind=association")) == "/t/alpha/organisations/?kind=association"
    # Without a query string: no dangling "?".
    assert language_next(page(alpha, "/organisations/")) == "/organisations/"


def test_the_language_switch_of_a_signed_in_person_posts_the_same_address(alpha, make_user):
    person = make_user(tenant="alpha", locale="fr")
    alpha.login(person.email, DEFAULT_PASSWORD)
    html = page(alpha, "/search?q=jardin")
    form = html.split('class="language-switch"', 1)[0].rsplit("<form", 1)[1]
    assert 'method="post"' in form
    assert language_next(html) == "/search?q=jardin"
    response = alpha.submit("/language", {"locale": "en", "next": language_next(html)})
    assert response.headers["Location"].endswith("/search?q=jardin")


@pytest.mark.parametrize("target", ["//evil.example/?a=b", "https://evil.example/organisations/?kind=x",
                                    "/\\evil.example?x=1", "/t/beta/organisations/?kind=x"])
def test_the_language_switch_refuses_to_leave_the_territory(territory_client, target):
    client = territory_client("alpha", prefix=True)
    response = client.get("/language", query_string={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/t/alpha/", "http://localhost/t/alpha/")


def test_a_hostile_query_is_escaped_in_the_language_form(alpha):
    html = page(alpha, '/search?q="><script>alert(1)</script>')
    assert "<script>alert(1)" not in html
    assert language_next(html).startswith("/search?q=")


def test_the_footer_says_powered_by_ptcc_and_links_the_platform(alpha, app):
    html = page(alpha)
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert f'Powered by <a href="{app.config["PTCC_PLATFORM_URL"].rstrip("/")}/">PTCC</a>' in footer
    assert "Open data" in footer


def test_the_footer_includes_the_legal_links_when_they_exist(alpha, app, tmp_path):
    from jinja2 import ChoiceLoader, DictLoader

    loader = app.jinja_loader
    app.jinja_loader = ChoiceLoader([DictLoader({"legal/_footer_links.html": "<section>LEGAL-LINKS</section>"}), loader])
    app.jinja_env.cache.clear() if app.jinja_env.cache else None
    try:
        assert "LEGAL-LINKS" in page(alpha, "/search")
    finally:
        app.jinja_loader = loader
        app.jinja_env.cache.clear() if app.jinja_env.cache else None


def test_the_favicon_is_the_default_one_without_a_logo(alpha):
    html = page(alpha)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert alpha.get("/static/favicon.svg").status_code == 200


def test_the_favicon_is_the_territory_logo_when_there_is_one(app, alpha, in_territory):
    from ptcc.extensions import db
    from ptcc.tenancy.models import TerritorySettings

    with in_territory("alpha"):
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="", timezone="",
                                         primary_color="", accent_color="", logo_filename="logo-0123456789abcdef.png"))
        db.session.commit()
    html = page(alpha)
    assert '<link rel="icon" href="/logo">' in html and "favicon.svg" not in html
    assert '<img src="/logo" alt="" width="40" height="40">' in html  # beside the name, in the header
