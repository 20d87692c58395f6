"""``/communes/search`` and the organisation form's commune select (the no-JavaScript form)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations.models import Organisation
from tests.organisations.conftest import profile


def names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["name"] for result in response.get_json()["results"]]


def test_search_by_name_accents_aside(alpha, imported):
    imported()
    assert names(alpha.get("/communes/search?q=venis")) == ["Vénissieux"]
    assert names(alpha.get("/communes/search?q=VÉNISSIEUX")) == ["Vénissieux"]
    # Names starting with the word first, then names containing it.
    assert names(alpha.get("/communes/search?q=lyon")) == ["Lyon", "Sainte-Foy-lès-Lyon"]
    assert names(alpha.get("/communes/search?q=sainte foy les")) == ["Sainte-Foy-lès-Lyon"]
    assert names(alpha.get("/communes/search?q=saint")) == ["Saint-Fons", "Saint-Genis-Laval", "Sainte-Foy-lès-Lyon"]
    assert names(alpha.get("/communes/search?q=paris")) == []


def test_search_by_postal_code(alpha, imported):
    imported()
    assert names(alpha.get("/communes/search?q=69100")) == ["Villeurbanne"]
    assert names(alpha.get("/communes/search?q=69003")) == ["Lyon"]
    assert names(alpha.get("/communes/search?q=692")) == ["Saint-Genis-Laval", "Vénissieux"]
    lyon = alpha.get("/communes/search?q=69003").get_json()["results"][0]
    assert lyon["code"] == "69123" and lyon["label"] == "Lyon (69001, 69002…)" and len(lyon["postal_codes"]) == 9


def test_search_is_limited_cacheable_and_answers_bad_input(alpha, imported):
    imported()
    response = alpha.get("/communes/search?q=6&limit=2")
    assert len(names(response)) == 2 and response.get_json()["count"] == 2
    assert len(names(alpha.get("/communes/search?q=6&limit=999999"))) == 6
    assert "public" in response.headers["Cache-Control"] and response.mimetype == "application/json"
    for bad in ("x" * 81, "lyon\x07", "a\u202eb"):
        refused = alpha.get("/communes/search", query_string={"q": bad})
        assert refused.status_code == 400 and refused.get_json()["message"].startswith("Tapez au plus 80")
    assert alpha.get("/communes/search?q=%00").status_code == 400
    assert names(alpha.get("/communes/search")) == [] and names(alpha.get("/communes/search?q=--")) == []
    assert names(alpha.get("/communes/search?q=lyon&limit=abc")) == ["Lyon", "Sainte-Foy-lès-Lyon"]


def test_search_is_rate_limited(app, alpha, imported):
    imported()
    app.config["PTCC_COMMUNES_SEARCH_LIMIT"] = "3 per minute"
    try:
        statuses = [alpha.get(f"/communes/search?q=lyon{n}").status_code for n in range(5)]
    finally:
        app.config["PTCC_COMMUNES_SEARCH_LIMIT"] = "120 per minute"
    assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429


def test_each_territory_searches_its_own_communes(alpha, beta, imported):
    imported("alpha")
    imported("beta", {"epci": ["246900724"]})
    assert names(alpha.get("/communes/search?q=brindas")) == []
    assert names(beta.get("/communes/search?q=brindas")) == ["Brindas"]
    assert names(beta.get("/communes/search?q=lyon")) == []


def test_the_form_offers_a_select_of_the_territorys_communes(signed_in, imported, in_territory):
    imported()
    _user, client = signed_in("member")
    html = client.get("/organisations/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="commune"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the commune is a select"
    options = re.findall(r'<option[^>]*value="([^"]*)"', select.group(1))
    assert options == ["", "69123", "69199", "69204", "69202", "69259", "69266"]
    assert 'data-communes-search="/communes/search"' in html and "/static/communes.js" in html

    refused = client.submit("/organisations/new", profile(commune="Paris"))
    assert refused.status_code == 400 and "Choose a commune of the territory from the list" in refused.get_data(as_text=True)
    created = client.submit("/organisations/new", profile(commune="69266"))
    assert created.status_code == 302
    with in_territory():
        organisation = db.session.scalar(sa.select(Organisation))
        assert (organisation.commune_code, organisation.commune) == ("69266", "Villeurbanne")


def test_the_service_checks_the_commune_too(app, imported, make_user, in_territory):
    from ptcc.errors import ServiceError
    from ptcc.organisations.services import create_organisation
    from tests.organisations.conftest import service_context

    imported()
    user = make_user(tenant="alpha")
    with service_context(app):
        user = db.session.merge(user)
        with pytest.raises(ServiceError) as refused:
            create_organisation(user, **profile(commune="Brindas"))  # not one of alpha's
        assert refused.value.field == "commune"
        # By name as well as by code: what an older client or a script would send.
        organisation = create_organisation(user, **profile(commune="sainte foy les lyon"))
        assert organisation.commune_code == "69202" and organisation.commune == "Sainte-Foy-lès-Lyon"
        db.session.rollback()


def test_an_unmatched_profile_asks_its_owner_to_choose(make_user, make_organisation, client_for, imported,
                                                       in_territory):
    owner = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, commune="Lyon 3e")
    imported()
    client = client_for(owner)
    html = client.get(f"/organisations/{slug}/edit").get_data(as_text=True)
    assert "Lyon 3e" in html and "not one of the territory" in html
    assert not re.search(r'<option selected[^>]*value="69', html)
    saved = client.submit(f"/organisations/{slug}/edit", profile(name="Organisation", commune="69123"))
    assert saved.status_code == 302
    with in_territory():
        assert db.session.scalar(sa.select(Organisation.commune_code)) == "69123"


def test_without_imported_communes_the_commune_stays_free_text(signed_in):
    _user, client = signed_in("member")
    html = client.get("/organisations/new").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="commune"[^>]*type="text"|<input[^>]*type="text"[^>]*id="commune"', html)
    assert "communes.js" not in html
    assert client.submit("/organisations/new", profile(commune="Villeurbanne")).status_code == 302
