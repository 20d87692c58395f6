"""Browser journey of the volunteering plugin: an association posts a mission, a volunteer
answers, the association accepts; axe-core checks the mission pages (WCAG 2.1 AA)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def association(app, make_user):
    from ptcc.organisations import models as m
    from ptcc.tenancy import tenant_context

    member = make_user(display_name="Nadia Trésorière")
    volunteer = make_user(display_name="Hugo Bénévole")
    with tenant_context("alpha", app=app):
        organisation = m.Organisation(slug="banque-solidaire", name="Banque solidaire de Vaise",
                                      kind=m.OrganisationKind.ASSOCIATION, commune="Lyon",
                                      status=m.OrganisationStatus.APPROVED)
        db.session.add(organisation)
        db.session.flush()
        db.session.add(m.Membership(organisation=organisation, user_id=member.id, role=m.MembershipRole.OWNER))
        db.session.commit()
    return {"member": member, "volunteer": volunteer}


def sign_in(page, site, user):
    page.goto(site("alpha", "/account/login"))
    page.get_by_label("E-mail", exact=False).first.fill(user.email)
    page.get_by_label("Mot de passe", exact=False).first.fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


def test_post_answer_accept(browser, page, site, axe, association):
    violations_seen = csp_violations(page)
    sign_in(page, site, association["member"])
    page.goto(site("alpha", "/missions/new"))
    page.get_by_label("Titre").fill("Collecte nationale : tenir un stand")
    page.get_by_label("Description").fill("Accueillir les clients du magasin et **expliquer** la collecte.")
    page.get_by_label("Compétences").fill("accueil, logistique")
    page.get_by_label("Commune").fill("Lyon")
    page.get_by_label("Premier jour").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_label("Nombre de bénévoles recherché·es").fill("2")
    page.get_by_role("button", name="Publier la mission").click()
    page.wait_for_url(re.compile(r".*/missions/\d+$"))
    mission_url = page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Collecte nationale : tenir un stand"
    assert "La mission est publiée." in page.content()
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert axe(page) == []

    volunteer_context = browser.new_context(locale="fr-FR")
    volunteer_page = volunteer_context.new_page()
    volunteer_page.set_default_timeout(10_000)
    try:
        sign_in(volunteer_page, site, association["volunteer"])
        volunteer_page.goto(site("alpha", "/missions/"))
        assert axe(volunteer_page) == []
        volunteer_page.get_by_role("link", name="Collecte nationale : tenir un stand").click()
        volunteer_page.get_by_label("Message à l'organisation (facultatif)").fill("Disponible le matin.")
        volunteer_page.get_by_role("button", name="Je participe").click()
        volunteer_page.wait_for_url(mission_url)
        assert "Banque solidaire de Vaise est prévenue" in volunteer_page.content()
        assert axe(volunteer_page) == []

        page.goto(mission_url.rsplit("/", 1)[0] + "/" + mission_url.rsplit("/", 1)[1] + "/responses")
        assert "Hugo Bénévole" in page.content() and "Disponible le matin." in page.content()
        assert axe(page) == []
        page.get_by_role("button", name=re.compile("^Retenir")).click()
        page.wait_for_load_state()
        assert "La personne est retenue" in page.content()

        volunteer_page.goto(site("alpha", "/missions/commitments"))
        row = volunteer_page.get_by_role("row", name=re.compile("Collecte nationale"))
        assert "Retenue" in row.inner_text()
        assert axe(volunteer_page) == []
    finally:
        volunteer_context.close()
    assert violations_seen == [], "the JSON-LD data block must not trip the CSP"
