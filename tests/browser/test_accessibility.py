"""axe-core finds no WCAG 2.1 A/AA violation on the main pages, in French and English."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

PUBLIC_PAGES = ["/", "/account/login", "/account/signup", "/account/reset", "/organisations/",
                "/organisations/la-fabrique-alpha", "/search?q=fabrique", "/search", "/open-data",
                "/activity", "/does-not-exist"]
SIGNED_IN_PAGES = ["/account/", "/account/delete", "/dashboard", "/organisations/new", "/organisations/mine",
                   "/organisations/la-fabrique-alpha/members", "/organisations/la-fabrique-alpha/edit",
                   "/organisations/queue", "/admin/", "/admin/settings", "/admin/people", "/admin/audit",
                   "/admin/style-guide"]


@pytest.fixture
def territory_with_content(app, make_user, in_territory):
    """An administrator who owns an approved association, and a second one waiting."""
    from ptcc.extensions import db
    from ptcc.organisations import models as m

    admin = make_user(tenant="alpha", email="admin@alpha.example", role="admin", display_name="Camille Admin")
    with in_territory("alpha"):
        topic = m.Topic(name="Numérique libre", slug="numerique-libre")
        for slug, name, status in [("la-fabrique-alpha", "La Fabrique Alpha", m.OrganisationStatus.APPROVED),
                                   ("velo-alpha", "Vélo Alpha", m.OrganisationStatus.PENDING)]:
            organisation = m.Organisation(
                slug=slug, name=name, kind=m.OrganisationKind.ASSOCIATION, commune="Lyon",
                description="Un **tiers-lieu** ouvert.\n\n- atelier\n- café", website="https://example.org",
                declared_members=40, status=status, created_by_id=admin.id, topics=[topic])
            db.session.add(organisation)
            db.session.add(m.Membership(organisation=organisation, user_id=admin.id, role=m.MembershipRole.OWNER,
                                        may_sign=True, status=m.MembershipStatus.ACTIVE))
        db.session.commit()
    return admin


def sign_in(page, site, email):
    page.goto(site("alpha", "/account/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_main_pages_have_no_wcag_violation(browser, site, axe, territory_with_content, locale):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    problems = {}
    for path in PUBLIC_PAGES:
        page.goto(site("alpha", path))
        found = axe(page)
        if found:
            problems[path] = found
    sign_in(page, site, "admin@alpha.example")
    for path in SIGNED_IN_PAGES:
        response = page.goto(site("alpha", path))
        assert response.status < 400, f"{path}: {response.status}"
        found = axe(page)
        if found:
            problems[path] = found
    context.close()
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_the_platform_page_has_no_wcag_violation(page, live_server, axe):
    port = live_server.rsplit(":", 1)[1]
    page.goto(f"http://localhost:{port}/")
    assert axe(page) == []
