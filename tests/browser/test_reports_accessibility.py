"""axe-core finds no WCAG 2.1 A/AA violation on the pages of reports and account moderation."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def reported(make_user, in_territory):
    """An administrator, a member, an organisation of the member and the member's report about it."""
    from ptcc.extensions import db
    from ptcc.organisations import models as m
    from ptcc.reports.models import Report, ReportReason

    admin = make_user(tenant="alpha", email="admin@alpha.example", role="admin", display_name="Camille Admin")
    member = make_user(tenant="alpha", email="member@alpha.example", display_name="Dominique Membre")
    with in_territory("alpha"):
        organisation = m.Organisation(slug="reported-alpha", name="Signalée Alpha", kind=m.OrganisationKind.OTHER,
                                      commune="Lyon", status=m.OrganisationStatus.APPROVED)
        db.session.add(organisation)
        db.session.flush()
        db.session.add(m.Membership(organisation=organisation, user_id=member.id, role=m.MembershipRole.OWNER))
        report = Report(content_type="organisations.organisation", object_id=organisation.id,
                        object_title=organisation.name, reporter_id=admin.id, reason=ReportReason.SPAM,
                        details="Publicité")
        db.session.add(report)
        db.session.commit()
        return {"organisation": organisation.id, "report": report.id, "member": member.id}


def sign_in(page, site, email):
    page.goto(site("alpha", "/account/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_report_and_account_pages_have_no_wcag_violation(browser, site, axe, reported, locale):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    sign_in(page, site, "admin@alpha.example")
    report, member = reported["report"], reported["member"]
    paths = [f"/reports/new/organisations.organisation/{reported['organisation']}", "/reports/",
             "/reports/?status=handled", f"/reports/{report}", f"/reports/{report}/hide",
             f"/reports/{report}/dismiss", f"/admin/people/{member}/deactivate",
             f"/admin/people/{member}/delete", "/admin/people"]
    problems = {}
    for path in paths:
        response = page.goto(site("alpha", path))
        assert response.status < 400, f"{path}: {response.status}"
        found = axe(page)
        if found:
            problems[path] = found
    context.close()
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
