"""Importing the official list: which communes, idempotence, renames, the free-text communes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ptcc.communes.models import Commune
from ptcc.communes.source import Areas, SourceError, fold, parse_areas, read_communes
from ptcc.extensions import db
from ptcc.organisations.models import Organisation
from tests.communes.conftest import FIXTURE

PACKAGE = Path(__file__).resolve().parents[2] / "node_modules/@etalab/decoupage-administratif/data"


def codes(in_territory, slug="alpha"):
    with in_territory(slug):
        return sorted(db.session.scalars(sa.select(Commune.code)))


def test_only_current_communes_of_the_declared_areas():
    records = read_communes(FIXTURE, Areas(epci=("200046977",), departements=("01", "2A")))
    by_code = {record.code: record for record in records}
    # The EPCI's six communes, the two current ones of the Ain, Ajaccio; no commune déléguée
    # (01015), no arrondissement municipal (69381), nothing of the other EPCI (69027).
    assert sorted(by_code) == ["01001", "01002", "2A004", "69123", "69199", "69202", "69204", "69259", "69266"]
    assert by_code["69123"].postal_codes[:2] == ("69001", "69002") and by_code["69123"].epci == "200046977"
    assert by_code["01001"].name == "L'Abergement-Clémenciat" and by_code["01001"].departement == "01"


def test_unknown_areas_and_missing_files_are_clear_errors(tmp_path):
    with pytest.raises(SourceError, match="unknown EPCI.*999999999"):
        read_communes(FIXTURE, Areas(epci=("999999999",)))
    with pytest.raises(SourceError, match="unknown département.*48"):
        read_communes(FIXTURE, Areas(departements=("48",)))
    with pytest.raises(SourceError, match="no such file.*make install"):
        read_communes(tmp_path, Areas(departements=("01",)))
    (tmp_path / "communes.json").write_text("{not json")
    with pytest.raises(SourceError, match="not readable as JSON"):
        read_communes(tmp_path, Areas(departements=("01",)))


def test_declarations_are_checked():
    assert parse_areas({"epci": ["200046977"], "departements": ["2a", "35"]}) == \
        Areas(epci=("200046977",), departements=("2A", "35"))
    assert not parse_areas(None)
    for bad in ({"epci": ["12"]}, {"departements": ["999"]}, {"communes": ["69123"]}, ["69"]):
        with pytest.raises(ValueError):
            parse_areas(bad)


def test_import_is_idempotent_and_follows_renames(app, imported, in_territory, tmp_path):
    first = imported()
    assert (first.added, first.unchanged) == (6, 0)
    assert codes(in_territory) == ["69123", "69199", "69202", "69204", "69259", "69266"]
    assert codes(in_territory, "beta") == []  # the other territory has its own table
    again = imported()
    assert (again.added, again.unchanged, again.renamed, again.removed) == (0, 6, [], 0)

    # Saint-Fons renamed, Vénissieux gains a postal code, Sainte-Foy leaves the EPCI.
    source = tmp_path / "renamed"
    shutil.copytree(FIXTURE, source)
    communes = json.loads((source / "communes.json").read_text())
    for entry in communes:
        if entry["code"] == "69199":
            entry["nom"] = "Saint-Fons-sur-Rhône"
        if entry["code"] == "69259":
            entry["codesPostaux"] = ["69200", "69201"]
    (source / "communes.json").write_text(json.dumps(communes))
    epci = json.loads((source / "epci.json").read_text())
    epci[0]["membres"] = [m for m in epci[0]["membres"] if m["code"] != "69202"]
    (source / "epci.json").write_text(json.dumps(epci))
    with in_territory():
        db.session.add(Organisation(slug="fons", name="Fons", kind="association", commune="Saint-Fons",
                                    commune_code="69199"))
        db.session.commit()
    report = imported(source=source)
    assert report.renamed == [("69199", "Saint-Fons", "Saint-Fons-sur-Rhône")]
    assert (report.updated, report.removed) == (1, 1)
    with in_territory():
        assert db.session.get(Commune, "69259").postal_codes == ["69200", "69201"]
        assert db.session.get(Commune, "69202") is None
        # The organisation's displayed commune follows the new name.
        assert db.session.scalar(sa.select(Organisation.commune).where(Organisation.slug == "fons")) \
            == "Saint-Fons-sur-Rhône"


def test_a_commune_still_used_is_kept_when_it_leaves_the_areas(app, imported, in_territory):
    imported()
    with in_territory():
        db.session.add(Organisation(slug="foy", name="Foy", kind="association", commune="Sainte-Foy-lès-Lyon",
                                    commune_code="69202"))
        db.session.commit()
    report = imported(areas={"epci": ["246900724"]})
    assert report.kept == ["Sainte-Foy-lès-Lyon (69202)"] and report.added == 1
    assert codes(in_territory) == ["69027", "69202"]


def test_free_text_communes_are_linked_and_the_others_listed(app, imported, in_territory):
    with in_territory():
        for slug, commune in (("a", "LYON"), ("b", "venissieux"), ("c", "Sainte Foy les Lyon"),
                              ("d", "Villeurbane"), ("e", "Paris"), ("f", "")):
            db.session.add(Organisation(slug=slug, name=slug.upper(), kind="association", commune=commune))
        db.session.commit()
    report = imported()
    assert report.linked == 3
    unmatched = {item.slug: item for item in report.unmatched}
    assert sorted(unmatched) == ["d", "e", "f"]
    assert unmatched["d"].suggestions == ["Villeurbanne (69266)"] and unmatched["e"].suggestions == []
    with in_territory():
        rows = dict(db.session.execute(sa.select(Organisation.slug, Organisation.commune_code)).all())
        names = dict(db.session.execute(sa.select(Organisation.slug, Organisation.commune)).all())
    assert rows == {"a": "69123", "b": "69259", "c": "69202", "d": None, "e": None, "f": None}
    # The official spelling replaces the typed one; the unmatched keep theirs.
    assert names["c"] == "Sainte-Foy-lès-Lyon" and names["d"] == "Villeurbane"


def test_folding():
    assert fold("Sainte-Foy-lès-Lyon") == fold("SAINTE FOY LES LYON") == "sainte foy les lyon"
    assert fold("L'Haÿ-les-Roses") == "l hay les roses"


@pytest.mark.skipif(not (PACKAGE / "communes.json").is_file(), reason="npm package not installed (make install)")
def test_the_real_package_file():
    """The demo territories' EPCI, from the pinned @etalab/decoupage-administratif."""
    lyon = read_communes(PACKAGE, Areas(epci=("200046977",)))
    names = {record.name for record in lyon}
    assert len(lyon) == 58 and {"Lyon", "Villeurbanne", "Vénissieux", "Saint-Fons"} <= names
    assert all(record.code.startswith("69") and record.postal_codes for record in lyon)
    assert not any("Arrondissement" in name for name in names)
    broceliande = read_communes(PACKAGE, Areas(epci=("243500618",)))
    assert {"Paimpont", "Plélan-le-Grand"} <= {record.name for record in broceliande}
    whole = read_communes(PACKAGE, Areas(departements=("35",)))
    assert 300 < len(whole) < 400 and all(record.departement == "35" for record in whole)


@pytest.mark.skipif(not (PACKAGE / "communes.json").is_file(), reason="npm package not installed (make install)")
def test_the_demo_territories_declare_the_communes_of_their_organisations():
    """`ptcc demo` imports each demo territory's communes: every demo organisation finds its own."""
    import tomllib

    from ptcc.demo.content import TERRITORIES

    for slug, content in TERRITORIES.items():
        toml = tomllib.loads((Path(__file__).resolve().parents[2] / "tenants" / slug / "tenant.toml").read_text())
        records = read_communes(PACKAGE, parse_areas(toml["communes"]))
        folded = {fold(record.name) for record in records}
        missing = [spec["commune"] for spec in content["organisations"] if fold(spec["commune"]) not in folded]
        assert records and not missing, (slug, missing)


def test_the_demo_builder_links_its_organisations(app, declare, in_territory, monkeypatch):
    from ptcc.demo import builder

    declare("alpha", {"epci": ["200046977"]})
    monkeypatch.setitem(app.config, "PTCC_COMMUNES_SOURCE", str(FIXTURE))
    with in_territory():
        db.session.add(Organisation(slug="v", name="V", kind="association", commune="Villeurbanne"))
        lines = builder.import_communes()
        db.session.commit()
        assert db.session.scalar(sa.select(Organisation.commune_code)) == "69266"
    assert lines == ["6 communes from the official list, 1 organisations linked to theirs"]
    monkeypatch.setitem(app.config, "PTCC_COMMUNES_SOURCE", "/nowhere")
    with in_territory():
        assert builder.import_communes()[0].startswith("communes not imported: /nowhere/communes.json")
