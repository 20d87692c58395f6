"""The organisation filter lists the organisations while they are few, and asks for a part of
a name beyond: a page never carries a select of every organisation of a large territory."""

from __future__ import annotations

import ptcc_volunteering.forms as forms


def test_few_organisations_are_listed(alpha, cast):
    html = alpha.get("/missions/").get_data(as_text=True)
    assert '<select id="organisation" name="organisation"' in html and 'name="organisation_name"' not in html


def test_many_organisations_are_searched_by_name(alpha, cast, make_organisation, make_mission, monkeypatch):
    monkeypatch.setattr(forms, "MAX_LISTED_ORGANISATIONS", 1)
    other = make_organisation("alpha", members=[cast["member"]], name="Jardins partagés de la Croix-Rousse")
    make_mission("alpha", other, title="Semis de printemps")
    html = alpha.get("/missions/").get_data(as_text=True)
    assert 'name="organisation_name"' in html and "Jardins partagés de la Croix-Rousse</option>" not in html
    found = alpha.get("/missions/?organisation_name=jardins").get_data(as_text=True)
    assert "Semis de printemps" in found and "Distribution alimentaire" not in found
    # An organisation's own link (by slug) still filters, and keeps its value in the form.
    by_slug = alpha.get(f"/missions/?organisation={other['slug']}").get_data(as_text=True)
    assert "Semis de printemps" in by_slug and "Distribution alimentaire" not in by_slug
    assert f'name="organisation" value="{other["slug"]}"' in by_slug
    assert alpha.get("/missions/?organisation_name=" + "x" * 200).status_code == 400
