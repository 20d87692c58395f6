"""The pages: who may open what, forms with good and bad input, filters and empty states."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ptcc.extensions import db

ROLES = ("anonymous", "stranger", "member", "volunteer")

#: (method, path, {role: expected status}); {m} is the mission, {r} the volunteer's answer.
ACCESS = [
    ("GET", "/missions/", {"anonymous": 200, "stranger": 200, "member": 200, "volunteer": 200}),
    ("GET", "/missions/{m}", {"anonymous": 200, "stranger": 200, "member": 200, "volunteer": 200}),
    ("GET", "/missions/new", {"anonymous": 302, "stranger": 403, "member": 200, "volunteer": 403}),
    ("GET", "/missions/{m}/edit", {"anonymous": 302, "stranger": 403, "member": 200, "volunteer": 403}),
    ("POST", "/missions/{m}/close", {"anonymous": 302, "stranger": 403, "member": 302, "volunteer": 403}),
    ("GET", "/missions/{m}/responses", {"anonymous": 302, "stranger": 403, "member": 200, "volunteer": 403}),
    ("POST", "/missions/responses/{r}/accept", {"anonymous": 302, "stranger": 403, "member": 302, "volunteer": 403}),
    ("GET", "/missions/responses/{r}/decline", {"anonymous": 302, "stranger": 403, "member": 200, "volunteer": 403}),
    ("POST", "/missions/responses/{r}/decline", {"anonymous": 302, "stranger": 403, "member": 302, "volunteer": 403}),
    ("GET", "/missions/responses/{r}/withdraw", {"anonymous": 302, "stranger": 403, "member": 403, "volunteer": 200}),
    ("POST", "/missions/responses/{r}/withdraw", {"anonymous": 302, "stranger": 403, "member": 403, "volunteer": 302}),
    ("GET", "/missions/commitments", {"anonymous": 302, "stranger": 200, "member": 200, "volunteer": 200}),
    ("GET", "/missions/manage", {"anonymous": 302, "stranger": 200, "member": 200, "volunteer": 200}),
    ("GET", "/missions/open-data/missions.csv", {"anonymous": 200, "stranger": 200, "member": 200, "volunteer": 200}),
    ("GET", "/api/volunteering/missions/{m}", {"anonymous": 200, "stranger": 200, "member": 200, "volunteer": 200}),
]


@pytest.fixture
def answered(cast, in_request):
    """The cast, with the volunteer's pending answer to the mission."""
    from ptcc.accounts.models import User
    from ptcc_volunteering import services
    from ptcc_volunteering.models import Mission

    with in_request("alpha"):
        response = services.answer(db.session.get(User, cast["volunteer"].id),
                                   db.session.get(Mission, cast["mission"]), "Disponible")
        db.session.commit()
        return {**cast, "response": response.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, path, expected", ACCESS, ids=[f"{m} {p}" for m, p, _e in ACCESS])
def test_access_rules(territory_client, signed_in, answered, role, method, path, expected):
    client = territory_client("alpha") if role == "anonymous" else signed_in(answered[role])
    url = path.format(m=answered["mission"], r=answered["response"])
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": client.csrf_token()})
    assert response.status_code == expected[role], response.get_data(as_text=True)[:1500]
    if expected[role] == 302 and role == "anonymous":
        assert "/account/login" in response.headers["Location"]


def test_post_without_csrf_token_is_refused(signed_in, answered):
    client = signed_in(answered["member"])
    assert client.post(f"/missions/{answered['mission']}/close").status_code == 400
    assert client.post(f"/missions/responses/{answered['response']}/accept").status_code == 400


def _form(**changes) -> dict:
    values = {"title": "Collecte de la Banque alimentaire", "description": "Trier les **denrées**.",
              "skills": "logistique, accueil", "commune": "Vaulx-en-Velin",
              "starts_on": (date.today() + timedelta(days=10)).isoformat(),
              "ends_on": (date.today() + timedelta(days=11)).isoformat(), "availability": "",
              "volunteers_needed": "15", "contact": "collecte@example.org"}
    values.update(changes)
    return values


def test_a_member_posts_a_mission_through_the_form(signed_in, cast, in_request):
    from ptcc_volunteering.models import Mission

    client = signed_in(cast["member"])
    page = client.get("/missions/new").get_data(as_text=True)
    assert "Les Amis du Quartier" in page and 'name="csrf_token"' in page
    response = client.submit("/missions/new", {**_form(), "organisation": str(cast["organisation"]["id"])})
    assert response.status_code == 302
    with in_request("alpha"):
        mission = db.session.scalar(sa.select(Mission).where(Mission.commune == "Vaulx-en-Velin"))
        assert mission.skill_labels == ["accueil", "logistique"] and mission.volunteers_needed == 15
    assert response.headers["Location"].endswith(f"/missions/{mission.id}")
    shown = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "<strong>denrées</strong>" in shown and "La mission est publiée." in shown


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Donnez un titre à la mission."),
    ({"starts_on": "2026-13-45"}, "starts_on", ""),
    ({"ends_on": date.today().isoformat()}, "ends_on", "Le dernier jour ne peut pas précéder le premier."),
    ({"starts_on": "", "ends_on": "", "availability": ""}, "starts_on", "Indiquez les dates de la mission"),
    ({"volunteers_needed": "beaucoup"}, "volunteers_needed", ""),
    ({"volunteers_needed": "0"}, "volunteers_needed", ""),
    ({"organisation": "999999"}, "organisation", ""),
])
def test_bad_input_is_explained_next_to_its_field(signed_in, cast, changes, field, message):
    client = signed_in(cast["member"])
    data = {**_form(), "organisation": str(cast["organisation"]["id"]), **changes}
    response = client.submit("/missions/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error"', page), "the error is not tied to its field"
    assert message in page


def test_a_volunteer_answers_once(signed_in, cast, outbox):
    client = signed_in(cast["volunteer"])
    page = client.get(f"/missions/{cast['mission']}").get_data(as_text=True)
    assert "Je participe" in page
    response = client.submit(f"/missions/{cast['mission']}/answer", {"message": "Avec plaisir"})
    assert response.status_code == 302
    page = client.get(f"/missions/{cast['mission']}").get_data(as_text=True)
    assert "l&#39;organisation n&#39;a pas encore décidé" in page and "Je participe" not in page
    again = client.submit(f"/missions/{cast['mission']}/answer", {"message": "Encore"})
    assert again.status_code == 409 and "Vous avez déjà répondu à cette mission." in again.get_data(as_text=True)
    assert len(outbox("alpha")) == 1
    too_long = signed_in(cast["stranger"]).submit(f"/missions/{cast['mission']}/answer", {"message": "x" * 2001})
    assert too_long.status_code == 400 and 'id="message-error"' in too_long.get_data(as_text=True)


def test_a_full_mission_says_so(signed_in, make_user, cast, make_mission):
    mission = make_mission("alpha", cast["organisation"], title="Petite équipe", volunteers_needed=1)
    member = signed_in(cast["member"])
    signed_in(cast["volunteer"]).submit(f"/missions/{mission}/answer", {})
    page = member.get(f"/missions/{mission}/responses").get_data(as_text=True)
    response_id = re.search(r"/missions/responses/(\d+)/accept", page).group(1)
    assert member.submit(f"/missions/responses/{response_id}/accept").status_code == 302
    stranger = signed_in(cast["stranger"])
    page = stranger.get(f"/missions/{mission}").get_data(as_text=True)
    assert "Cette mission a déjà tou·tes les bénévoles qu&#39;il lui faut." in page
    assert "Je participe" not in page
    refused = stranger.submit(f"/missions/{mission}/answer", {})
    assert refused.status_code == 409 and "tou·tes les bénévoles" in refused.get_data(as_text=True)
    listing = stranger.get("/missions/").get_data(as_text=True)
    assert "Complète" in listing


def test_decline_asks_for_confirmation_then_tells_the_volunteer(signed_in, answered, outbox):
    member = signed_in(answered["member"])
    confirm = member.get(f"/missions/responses/{answered['response']}/decline").get_data(as_text=True)
    assert "Décliner la réponse de Victor Volontaire ?" in confirm and "Oui, décliner" in confirm
    assert member.submit(f"/missions/responses/{answered['response']}/decline").status_code == 302
    assert outbox("alpha")[-1]["recipient"] == answered["volunteer"].email
    again = member.submit(f"/missions/responses/{answered['response']}/decline", follow_redirects=True)
    assert "Cette réponse a déjà été traitée." in again.get_data(as_text=True)


def test_a_volunteer_sees_commitments_and_withdraws(signed_in, answered, outbox):
    client = signed_in(answered["volunteer"])
    page = client.get("/missions/commitments").get_data(as_text=True)
    assert "Distribution alimentaire" in page and "En attente de l&#39;organisation" in page
    assert re.search(r"/missions/commitments/calendar/[^\"]+\.ics", page)
    confirm = client.get(f"/missions/responses/{answered['response']}/withdraw").get_data(as_text=True)
    assert "Vous désister de « Distribution alimentaire » ?" in confirm
    assert client.submit(f"/missions/responses/{answered['response']}/withdraw").status_code == 302
    page = client.get("/missions/commitments").get_data(as_text=True)
    assert "Retirée" in page
    assert outbox("alpha")[-1]["recipient"] == answered["member"].email


def test_close_and_reopen_through_the_page(signed_in, cast):
    member = signed_in(cast["member"])
    page = member.post(f"/missions/{cast['mission']}/close", data={"csrf_token": member.csrf_token()},
                       follow_redirects=True).get_data(as_text=True)
    assert "La mission est fermée" in page and "Rouvrir la mission" in page
    assert "Distribution alimentaire" not in member.get("/missions/").get_data(as_text=True)
    page = member.post(f"/missions/{cast['mission']}/reopen", data={"csrf_token": member.csrf_token()},
                       follow_redirects=True).get_data(as_text=True)
    assert "La mission est de nouveau ouverte." in page


def test_edit_keeps_the_organisation_and_checks_input(signed_in, cast):
    member = signed_in(cast["member"])
    page = member.get(f"/missions/{cast['mission']}/edit").get_data(as_text=True)
    assert 'value="cuisine"' in page and 'name="organisation"' not in page
    bad = member.submit(f"/missions/{cast['mission']}/edit", _form(volunteers_needed="-3"))
    assert bad.status_code == 400
    good = member.submit(f"/missions/{cast['mission']}/edit", _form(title="Distribution du samedi"))
    assert good.status_code == 302
    assert "Distribution du samedi" in member.get(f"/missions/{cast['mission']}").get_data(as_text=True)


def test_people_without_an_organisation_are_told_how_to_post(signed_in, cast):
    response = signed_in(cast["stranger"]).get("/missions/new")
    assert response.status_code == 403
    assert "Il faut être membre actif" in response.get_data(as_text=True)


def test_filters_empty_states_and_pagination(alpha, cast, make_mission, monkeypatch, app):
    assert "Aucune mission ouverte ne correspond à ces filtres." in alpha.get(
        "/missions/?commune=Nulle-part").get_data(as_text=True)
    bad = alpha.get("/missions/?date=demain")
    assert bad.status_code == 400 and 'id="date-error"' in bad.get_data(as_text=True)
    monkeypatch.setitem(app.config, "PTCC_PER_PAGE", 2)
    for n in range(3):
        make_mission("alpha", cast["organisation"], title=f"Mission paginée {n}", starts_in=30 + n)
    first = alpha.get("/missions/").get_data(as_text=True)
    assert "4 missions trouvées" in first and 'rel="next"' in first
    second = alpha.get("/missions/?page=2").get_data(as_text=True)
    assert "Mission paginée 2" in second and "Mission paginée 2" not in first


def test_no_mission_at_all(alpha):
    page = alpha.get("/missions/").get_data(as_text=True)
    assert "Aucune mission n&#39;est ouverte pour le moment." in page


def test_unknown_mission_and_answer_are_404(signed_in, cast):
    client = signed_in(cast["member"])
    assert client.get("/missions/999999").status_code == 404
    assert client.get("/missions/responses/999999/decline").status_code == 404
    assert client.get("/api/volunteering/missions/999999").get_json()["error"]
