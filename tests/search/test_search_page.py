"""The search page's providers (``search_hits``: columns, not objects, from a statement built once):
what they may show, in which order, for whom; on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.search.conftest import add_mission, add_organisation

#: In every hidden item's title several times, once in the visible ones': the hidden rank first.
WORD = "Grainothèque"


def _hidden_and_visible():
    """Organisations and missions that match WORD; the hidden ones match it best.

    The hidden ones are made visible first, then hidden by statements that bypass the ORM
    (``ptcc.search.maintenance`` does not see them): their documents stay in the index, so that
    the providers' own rules, not the index, must keep them out.
    """
    from ptcc.organisations.models import Organisation, OrganisationStatus
    from ptcc_volunteering.models import Mission, MissionStatus

    visible = add_organisation(f"{WORD} des Pentes")
    pending = add_organisation(f"{WORD} {WORD} {WORD} en attente")
    refused = add_organisation(f"{WORD} {WORD} {WORD} refusée")
    other = add_organisation("Collectif du quartier")
    add_mission(visible, f"Ouvrir la {WORD}")
    closed = add_mission(visible, f"{WORD} {WORD} {WORD} fermée")
    add_mission(visible, f"{WORD} {WORD} {WORD} passée", starts_in=-30)  # indexed: being over is a matter of the day
    add_mission(other, f"{WORD} {WORD} {WORD} d'une organisation en attente")
    add_mission(visible, f"Permanence {WORD}", starts_in=None)  # recurring: never over
    for organisation, status in ((pending, OrganisationStatus.PENDING), (refused, OrganisationStatus.REFUSED),
                                 (other, OrganisationStatus.PENDING)):
        db.session.execute(sa.update(Organisation).where(Organisation.id == organisation.id).values(status=status))
    db.session.execute(sa.update(Mission).where(Mission.id == closed.id).values(status=MissionStatus.CLOSED))
    db.session.expire_all()


def _documents_of_hidden() -> int:
    from ptcc.search.models import SearchDocument

    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)
                             .where(SearchDocument.title.like(f"{WORD} {WORD}%")))


def _names(hits) -> list[str]:
    return [hit.name for hit in hits]


def _titles(hits) -> list[str]:
    return [hit.title for hit in hits]


def test_hidden_items_never_appear_even_when_they_rank_first(territory):
    from ptcc.organisations import directory
    from ptcc_volunteering import queries

    with territory():
        _hidden_and_visible()
        db.session.commit()
        assert _documents_of_hidden() == 5  # still indexed, and ranked before the visible ones
        assert _names(directory.search_hits(WORD, 20)) == [f"{WORD} des Pentes"]
        assert sorted(_titles(queries.search_hits(WORD, 20))) == [f"Ouvrir la {WORD}", f"Permanence {WORD}"]
        # The limit applies after the rules: a hidden best match takes no place.
        assert _names(directory.search_hits(WORD, 1)) == [f"{WORD} des Pentes"]
        assert len(queries.search_hits(WORD, 1)) == 1
        assert directory.search_hits(WORD, 0) == [] and queries.search_hits(WORD, 0) == []


@pytest.mark.parametrize("role", [None, "member", "moderator"])
def test_the_page_shows_the_same_to_visitors_members_and_moderators(territory, alpha, make_user, role):
    with territory():
        _hidden_and_visible()
        db.session.commit()
    if role:
        person = make_user(role=role)
        alpha.login(person.email, DEFAULT_PASSWORD)
    html = alpha.get(f"/search?q={WORD}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for shown in (f"{WORD} des Pentes", f"Ouvrir la {WORD}", f"Permanence {WORD}"):
        assert shown in html
    for hidden in ("en attente", "refusée", "fermée", "passée"):
        assert hidden not in html
    assert "3 results" in html


def test_a_document_that_is_not_public_is_not_shown(territory):
    """The providers ask for public documents only, as ``matching`` does by default."""
    from ptcc.organisations import directory
    from ptcc.search.models import SearchDocument
    from ptcc_volunteering import queries

    with territory():
        organisation = add_organisation(f"{WORD} des Pentes")
        mission = add_mission(organisation, f"Ouvrir la {WORD}")
        db.session.commit()
        db.session.execute(sa.update(SearchDocument).where(SearchDocument.object_id.in_([organisation.id, mission.id]))
                           .values(public=False))
        assert directory.search_hits(WORD, 20) == [] and queries.search_hits(WORD, 20) == []


def test_results_and_their_order_are_those_of_the_object_searches(territory):
    """``search_hits`` (the page) and ``search`` (objects) share their rules and their order,
    ties included (same rank: by name for organisations, soonest first for missions)."""
    from ptcc.organisations import directory
    from ptcc_volunteering import queries

    with territory():
        organisations = [add_organisation(f"Atelier {name}", description="Réparation")
                         for name in ("Zèbre", "abeille", "Castor", "Bison")]
        for i, organisation in enumerate(organisations):
            add_mission(organisation, "Réparer", starts_in=(i * 7) % 5 + 1)
            add_mission(organisation, "Réparer", starts_in=None)
        db.session.commit()
        for query, limit in (("repar", 20), ("atelier", 3), ("repar", 5)):
            hits = directory.search_hits(query, limit)
            assert _names(hits) == [o.name for o in directory.search(query, limit)], query
            mission_hits = queries.search_hits(query, limit)
            assert [hit.id for hit in mission_hits] == [m.id for m in queries.search(query, limit)], query
        assert _names(directory.search_hits("atelier", 20)) == [
            "Atelier abeille", "Atelier Bison", "Atelier Castor", "Atelier Zèbre"]
        # What a result shows comes with it: no object, no query per result.
        hit = queries.search_hits("repar", 1)[0]
        assert hit.organisation_name.startswith("Atelier ") and hit.commune == "Lyon" and 0 <= hit.score < 1
