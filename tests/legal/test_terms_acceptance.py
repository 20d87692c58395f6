"""Sign-up asks to accept the terms of use, links them and the privacy policy, and records
which terms were accepted and when."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.extensions import db

SIGNUP = {"display_name": "Nadia Haddad", "email": "nadia@example.org", "password": "une phrase assez longue",
          "password_confirm": "une phrase assez longue", "accept_terms": "y"}


def people(in_territory, slug="alpha"):
    with in_territory(slug):
        return db.session.scalars(sa.select(User)).all()


def test_the_sign_up_form_links_the_terms_and_the_privacy_policy(alpha):
    page = alpha.get("/account/signup", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'name="accept_terms"' in page and "required" in page
    assert 'href="/legal/terms">conditions d’utilisation</a>' in page
    assert 'href="/legal/privacy">politique de confidentialité</a>' in page


@pytest.mark.parametrize("accepted", [None, ""], ids=["absent", "empty"])
def test_sign_up_without_accepting_the_terms_creates_nothing(alpha, in_territory, outbox, accepted):
    data = {**SIGNUP}
    if accepted is None:
        del data["accept_terms"]
    else:
        data["accept_terms"] = accepted
    response = alpha.submit("/account/signup", data, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="accept_terms-error"' in html and "Accept the terms of use to create an account." in html
    assert people(in_territory) == [] and outbox("alpha") == []


def test_the_acceptance_is_recorded_with_the_terms_version(alpha, in_territory):
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert alpha.submit("/account/signup", SIGNUP).status_code == 200

    [person] = people(in_territory)
    assert person.terms_accepted_at >= before
    # The default terms: versioned by the date of the defaults (nothing written by the territory).
    assert person.terms_version == "2026-12-01T00:00:00+00:00"


def test_the_version_follows_the_territory_own_terms(alpha, in_territory, make_user):
    from ptcc.legal.models import LegalPage, PageKind

    with in_territory("alpha"):
        page = LegalPage(kind=PageKind.TERMS, body="# Nos règles")
        db.session.add(page)
        db.session.commit()
        written = page.updated_at.replace(microsecond=0).isoformat()
    alpha.submit("/account/signup", SIGNUP)
    [person] = people(in_territory)
    assert person.terms_version == written


def test_the_service_refuses_a_sign_up_without_terms(in_territory):
    from ptcc.accounts import services
    from ptcc.errors import ServiceError

    with in_territory("alpha"):
        with pytest.raises(ServiceError) as refused:
            services.sign_up("nadia@example.org", "Nadia", "une phrase assez longue")
        assert refused.value.field == "accept_terms"
        db.session.rollback()
    assert people(in_territory) == []


def test_the_export_says_which_terms_were_accepted_and_when(alpha, in_territory, outbox):
    import json
    import re

    alpha.submit("/account/signup", SIGNUP)
    [mail] = outbox("alpha")
    alpha.get(re.search(r"http://alpha\.test(/account/verify/\S+)", mail["body"]).group(1))
    alpha.login(SIGNUP["email"], SIGNUP["password"])

    account = json.loads(alpha.get("/account/export").get_data(as_text=True))["account"]
    assert account["terms_version"] == "2026-12-01T00:00:00+00:00"
    assert account["terms_accepted_at"].startswith(str(datetime.now(timezone.utc).year))
