"""Likely duplicates: shown when registering an organisation and in the moderators' queue."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations import duplicates
from ptcc.organisations import models as m
from tests.organisations.conftest import profile, service_context


@pytest.mark.parametrize("first,second,alike", [
    ("Les Amis du Vélo", "Amis du velo", True),
    ("LES AMIS DU VÉLO", "les amis du vélo !", True),
    ("Association Vélo-Cité", "Vélo Cité", True),
    ("Repair Café Croix-Rousse", "Repair Cafe de la Croix Rousse", True),
    ("Les Amis du Vélo", "Les Amis du Velo Lyonnais", False),
    ("Amis du vélo", "Amis de la Terre", False),
    ("Jardin partagé", "Jardins partagés", True),
    ("Le Jardin", "La Cantine", False),
])
def test_names_are_compared_without_accents_case_or_small_words(first, second, alike):
    assert duplicates.names_alike(first, second) is alike


def test_likely_duplicates_by_name_in_the_same_commune_or_by_identifier(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    make_organisation(owner, name="Les Amis du Vélo", commune="Villeurbanne", slug="amis-velo")
    make_organisation(owner, name="Amis du vélo", commune="Lyon", slug="amis-velo-lyon")  # another commune
    make_organisation(owner, name="Atelier Soudé", commune="Bron", siren="732829320", slug="atelier")
    make_organisation(owner, name="Pending one", commune="Bron", rna="W691234567", status="pending", slug="pending")
    make_organisation(owner, name="Tombstone", commune="Bron", rna="W691234567", status="merged", slug="gone")
    with service_context(app):
        found = duplicates.likely_duplicates(name="Amis du velo", commune="VILLEURBANNE")
        assert [(d.slug, d.reason) for d in found] == [("amis-velo", "name")]
        found = duplicates.likely_duplicates(name="Tout autre nom", commune="Vaulx-en-Velin", siren="732829320",
                                             rna="W691234567")
        assert [(d.slug, d.reason) for d in found] == [("atelier", "siren"), ("pending", "rna")]
        # Someone who is not a moderator is shown public organisations only.
        assert [d.slug for d in duplicates.likely_duplicates(name="x", commune="", rna="W691234567",
                                                            public_only=True)] == []
        assert duplicates.likely_duplicates(name="Amis du velo", commune="Vénissieux") == []
        assert duplicates.likely_duplicates(name="", commune="") == []


def test_registering_a_likely_duplicate_warns_and_can_still_go_on(signed_in, make_user, make_organisation,
                                                                  in_territory):
    owner = make_user(tenant="alpha")
    make_organisation(owner, name="Les Amis du Vélo", commune="Villeurbanne", slug="amis-velo")
    _user, client = signed_in("member")
    data = profile(name="Amis du velo", rna=None, siren=None, siret=None)
    warned = client.submit("/organisations/new", data)
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "Is it already registered?" in html
    assert "Les Amis du Vélo" in html and "similar name in the same commune" in html
    assert 'name="not_duplicate"' in html and 'value="Amis du velo"' in html  # what was typed is kept
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Organisation)) == 1
    created = client.submit("/organisations/new", {**data, "not_duplicate": "y"})
    assert created.status_code == 302
    # Another name, or the same name in another commune, goes through at once.
    assert client.submit("/organisations/new", profile(name="Amis du velo", commune="Bron", rna=None, siren=None,
                                                       siret=None)).status_code == 302
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Organisation)) == 3


def test_the_queue_shows_likely_duplicates_with_a_link_to_merge(signed_in, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    make_organisation(owner, name="Atelier Soudé", commune="Bron", siren="732829320", slug="atelier")
    make_organisation(owner, name="L'atelier soudé", commune="Lyon", siren="732829320", status="pending",
                      slug="atelier-2")
    make_organisation(owner, name="Sans doublon", commune="Lyon", status="pending", slug="alone")
    _moderator, client = signed_in("moderator")
    queue = client.get("/organisations/queue").get_data(as_text=True)
    assert "Likely duplicates" in queue and "same SIREN number" in queue
    assert "/organisations/atelier-2/merge?into=atelier" in queue
