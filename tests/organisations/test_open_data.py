"""The directory as an open dataset: CSV, JSON, schema.org JSON-LD; approved organisations only,
no personal data; through the shared dataset files (ETag, gzip)."""

from __future__ import annotations

import csv
import gzip
import io
import json

import sqlalchemy as sa

from ptcc.communes.models import Commune
from ptcc.extensions import db
from ptcc.organisations.models import Organisation

CSV = "/organisations/open-data/organisations.csv"
JSON = "/organisations/open-data/organisations.json"
JSON_LD = "/organisations/open-data/organisations.jsonld"


def _cast(make_user, make_organisation, in_territory):
    owner = make_user(tenant="alpha", email="lea.private@example.org", display_name="Léa Privée")
    member = make_user(tenant="alpha", email="marc.private@example.org", display_name="Marc Caché")
    with in_territory():
        db.session.add(Commune(code="69266", name="Villeurbanne", folded_name="villeurbanne",
                               postal_codes=["69100"], departement="69"))
        db.session.commit()
    make_organisation(owner, name="Vélo Cité", slug="velo-cite", commune="Villeurbanne", commune_code="69266",
                      rna="W691234567", siren="732829320", siret="73282932000074", website="https://velo.example.org",
                      description="=Ateliers **vélo**", declared_members=120, topics=("Mobilité", "Réparation"),
                      members=((member, "member", False),))
    make_organisation(owner, name="La Ruche", slug="la-ruche", kind="third_place", commune="Lyon")
    make_organisation(owner, name="En attente", slug="en-attente", status="pending")
    make_organisation(owner, name="Refusée", slug="refusee", status="refused", refusal_reason="Doublon de Léa Privée")


def test_the_three_formats_parse_and_hold_the_approved_organisations(alpha, make_user, make_organisation,
                                                                     in_territory):
    _cast(make_user, make_organisation, in_territory)
    rows = list(csv.DictReader(io.StringIO(alpha.get(CSV).get_data(as_text=True))))
    assert [row["name"] for row in rows] == ["La Ruche", "Vélo Cité"]
    velo = rows[1]
    assert (velo["kind"], velo["commune"], velo["commune_insee"], velo["postal_codes"]) == \
        ("association", "Villeurbanne", "69266", "69100")
    assert (velo["rna"], velo["siren"], velo["siret"]) == ("W691234567", "732829320", "73282932000074")
    assert velo["topics"] == "Mobilité, Réparation" and velo["declared_members"] == "120"
    assert velo["description"].startswith("'=")  # no formula in a spreadsheet
    assert velo["url"] == "http://alpha.test/organisations/velo-cite"

    data = alpha.get(JSON).get_json()
    assert data["licence"].startswith("Licence Ouverte") and "commune_insee" in data["fields"]
    assert [item["slug"] for item in data["organisations"]] == ["la-ruche", "velo-cite"]
    assert data["organisations"][1]["topics"] == ["Mobilité", "Réparation"]

    response = alpha.get(JSON_LD)
    assert response.mimetype == "application/ld+json"
    graph = json.loads(response.get_data(as_text=True))
    assert graph["@context"] == "https://schema.org"
    ruche, velo = graph["@graph"]
    assert velo["@type"] == "NGO" and ruche["@type"] == "Organization"
    assert velo["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "RNA", "value": "W691234567"},
        {"@type": "PropertyValue", "propertyID": "SIREN", "value": "732829320"},
        {"@type": "PropertyValue", "propertyID": "SIRET", "value": "73282932000074"}]
    assert velo["address"] == {"@type": "PostalAddress", "addressLocality": "Villeurbanne", "addressCountry": "FR",
                               "postalCode": "69100",
                               "identifier": {"@type": "PropertyValue", "propertyID": "INSEE", "value": "69266"}}
    assert velo["knowsAbout"] == ["Mobilité", "Réparation"] and velo["url"] == "https://velo.example.org"
    assert velo["mainEntityOfPage"] == "http://alpha.test/organisations/velo-cite"
    assert ruche["url"] == "http://alpha.test/organisations/la-ruche" and "identifier" not in ruche
    assert ruche["address"] == {"@type": "PostalAddress", "addressLocality": "Lyon", "addressCountry": "FR"}


def test_no_personal_data_and_nothing_pending_or_refused(alpha, make_user, make_organisation, in_territory):
    _cast(make_user, make_organisation, in_territory)
    for path in (CSV, JSON, JSON_LD):
        body = alpha.get(path).get_data(as_text=True)
        for secret in ("lea.private", "marc.private", "Léa Privée", "Marc Caché", "En attente", "Refusée", "Doublon",
                       "@example.org\""):
            assert secret not in body, (path, secret)


def test_listed_on_the_open_data_page_cached_and_compressed(app, alpha, make_user, make_organisation, in_territory):
    _cast(make_user, make_organisation, in_territory)
    page = alpha.get("/open-data").get_data(as_text=True)
    for path in (CSV, JSON, JSON_LD):
        assert f'href="{path}"' in page
    first = alpha.get(JSON)
    assert first.headers.get("ETag") and alpha.get(JSON, headers={"If-None-Match": first.headers["ETag"]}) \
        .status_code == 304
    packed = alpha.get(JSON, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.get_data()) == first.get_data()
    # A change shows at the next request.
    with in_territory():
        db.session.execute(sa.update(Organisation).where(Organisation.slug == "la-ruche").values(name="La Ruche 2"))
        db.session.commit()
    assert "La Ruche 2" in alpha.get(JSON).get_data(as_text=True)


def test_each_territory_publishes_its_own(alpha, beta, make_user, make_organisation, in_territory):
    _cast(make_user, make_organisation, in_territory)
    for path in (CSV, JSON, JSON_LD):
        body = beta.get(path).get_data(as_text=True)
        assert "Vélo Cité" not in body and "La Ruche" not in body
    assert beta.get(JSON).get_json()["organisations"] == []
