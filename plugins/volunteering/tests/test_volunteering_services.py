"""The services: validation, permissions, the life of an answer, e-mails and the feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db


def _user(user):
    from ptcc.accounts.models import User

    return db.session.get(User, user.id)


def _organisation(org):
    from ptcc.organisations.models import Organisation

    return db.session.get(Organisation, org["id"])


def _mission(mission_id):
    from ptcc_volunteering.models import Mission

    return db.session.get(Mission, mission_id)


VALID = {"title": "Maraude du soir", "description": "Distribuer des **repas**.", "skills": "écoute, cuisine, Écoute",
         "commune": "Lyon", "starts_on": None, "ends_on": None, "availability": "le mardi soir",
         "volunteers_needed": 3, "contact": "maraude@example.org"}


def test_a_member_posts_a_mission_which_is_announced(in_request, cast):
    from ptcc.activity.models import ActivityEntry
    from ptcc_volunteering import services

    with in_request("alpha"):
        mission = services.create_mission(_user(cast["member"]), _organisation(cast["organisation"]), **VALID)
        db.session.commit()
        assert mission.is_open and mission.skill_labels == ["cuisine", "écoute"]
        entry = db.session.scalars(sa.select(ActivityEntry)).one()
        assert entry.kind == "volunteering.mission_published" and entry.subject == "Maraude du soir"
        assert entry.url_values == {"mission_id": mission.id}


@pytest.mark.parametrize("changes, field", [
    ({"title": "  "}, "title"),
    ({"title": "x" * 161}, "title"),
    ({"commune": ""}, "commune"),
    ({"availability": "", "starts_on": None}, "starts_on"),
    ({"starts_on": date.today() + timedelta(days=3), "ends_on": date.today() + timedelta(days=1)}, "ends_on"),
    ({"starts_on": date.today() - timedelta(days=3)}, "starts_on"),
    ({"ends_on": date.today() + timedelta(days=3)}, "starts_on"),
    ({"volunteers_needed": 0}, "volunteers_needed"),
    ({"volunteers_needed": "many"}, "volunteers_needed"),
    ({"skills": ", ".join(f"skill {i}" for i in range(11))}, "skills"),
    ({"skills": "x" * 61}, "skills"),
])
def test_bad_mission_fields_are_refused_with_their_field(in_request, cast, changes, field):
    from ptcc_volunteering import services

    with in_request("alpha"):
        with pytest.raises(ServiceError) as refused:
            services.create_mission(_user(cast["member"]), _organisation(cast["organisation"]), **{**VALID, **changes})
        assert refused.value.field == field and refused.value.message


@pytest.mark.parametrize("who", ["volunteer", "pending_member"])
def test_only_active_members_post_close_and_reopen(in_request, cast, make_user, make_organisation, who):
    from ptcc_volunteering import services

    pending = make_user()
    make_organisation("alpha", members=[make_user()], pending_members=[pending])
    actor = cast["volunteer"] if who == "volunteer" else pending
    with in_request("alpha"):
        with pytest.raises(PermissionDenied):
            services.create_mission(_user(actor), _organisation(cast["organisation"]), **VALID)
        with pytest.raises(PermissionDenied):
            services.close_mission(_user(actor), _mission(cast["mission"]))
        assert _mission(cast["mission"]).is_open


def test_an_organisation_not_approved_cannot_post(in_request, make_user, make_organisation):
    from ptcc_volunteering import services

    member = make_user()
    org = make_organisation("alpha", members=[member], status="pending")
    with in_request("alpha"):
        with pytest.raises(ServiceError) as refused:
            services.create_mission(_user(member), _organisation(org), **VALID)
        assert refused.value.field == "organisation"


def test_close_and_reopen(in_request, cast):
    from ptcc_volunteering import services

    with in_request("alpha"):
        member, mission = _user(cast["member"]), _mission(cast["mission"])
        services.close_mission(member, mission)
        assert not mission.is_open and mission.closed_at is not None
        with pytest.raises(ServiceError):
            services.close_mission(member, mission)
        with pytest.raises(ServiceError):
            services.answer(_user(cast["volunteer"]), mission)
        services.reopen_mission(member, mission)
        assert mission.is_open and mission.closed_at is None
        with pytest.raises(ServiceError):
            services.reopen_mission(member, mission)


def test_an_answer_then_a_duplicate(in_request, cast, outbox):
    from ptcc_volunteering import services

    with in_request("alpha"):
        volunteer, mission = _user(cast["volunteer"]), _mission(cast["mission"])
        services.answer(volunteer, mission, "  Je serai là à 18 h.  ")
        db.session.commit()
        with pytest.raises(ServiceError) as refused:
            services.answer(volunteer, mission, "encore")
        assert "déjà répondu" in refused.value.message
    mails = outbox("alpha")
    assert [m["recipient"] for m in mails] == [cast["member"].email]
    assert "Victor Volontaire" in mails[0]["body"] and "Je serai là à 18 h." in mails[0]["body"]
    assert "Distribution alimentaire" in mails[0]["subject"]
    assert "/missions/" in mails[0]["body"] and "/responses" in mails[0]["body"]


def test_accept_decline_and_withdraw_tell_the_other_side(in_request, cast, make_user, outbox):
    from ptcc_volunteering import services
    from ptcc_volunteering.models import ResponseStatus

    other = make_user(display_name="Olga Other", locale="en")
    with in_request("alpha"):
        member, mission = _user(cast["member"]), _mission(cast["mission"])
        first = services.answer(_user(cast["volunteer"]), mission)
        second = services.answer(_user(other), mission)
        db.session.commit()
        services.accept(member, first)
        services.decline(member, second)
        db.session.commit()
        assert (first.status, second.status) == (ResponseStatus.ACCEPTED, ResponseStatus.DECLINED)
        assert first.decided_by_id == member.id
        with pytest.raises(ServiceError):
            services.accept(member, second)
        with pytest.raises(ServiceError) as refused:
            services.answer(_user(other), mission)
        assert "déjà décliné" in refused.value.message
        with pytest.raises(PermissionDenied):
            services.withdraw(_user(other), first)
        services.withdraw(_user(cast["volunteer"]), first)
        db.session.commit()
        assert first.status == ResponseStatus.WITHDRAWN
        # Withdrawn, the volunteer may answer again.
        again = services.answer(_user(cast["volunteer"]), mission)
        assert again.id == first.id and again.status == ResponseStatus.PENDING
    mails = outbox("alpha")
    by_recipient = [(m["recipient"], m["subject"]) for m in mails]
    assert (cast["volunteer"].email, "Vous êtes retenu·e pour « Distribution alimentaire »") in by_recipient
    # Olga reads English; the territory's default (French) is for everyone else.
    assert (other.email, "Your answer to “Distribution alimentaire”") in by_recipient
    withdrawn = [m for m in mails if "withdraw" in m["subject"].lower() or "désiste" in m["subject"].lower()]
    assert len(withdrawn) == 1 and withdrawn[0]["recipient"] == cast["member"].email
    assert "une place est de nouveau libre" in withdrawn[0]["body"]


def test_a_full_mission_says_so(in_request, cast, make_user, make_organisation, make_mission):
    from ptcc_volunteering import services

    first, second, third = make_user(), make_user(), make_user()
    with in_request("alpha"):
        member, mission = _user(cast["member"]), _mission(cast["mission"])
        accepted = [services.answer(_user(u), mission) for u in (first, second)]
        waiting = services.answer(_user(third), mission)
        for response in accepted:
            services.accept(member, response)
        db.session.commit()
        assert mission.is_full and mission.places_left == 0
        with pytest.raises(ServiceError) as refused:
            services.accept(member, waiting)
        assert "tou·tes les bénévoles qu'il lui faut" in refused.value.message
        with pytest.raises(ServiceError) as refused:
            services.answer(_user(cast["volunteer"]), mission)
        assert "tou·tes les bénévoles qu'il lui faut" in refused.value.message
        with pytest.raises(ServiceError) as refused:
            services.update_mission(member, mission, **{**VALID, "volunteers_needed": 1})
        assert refused.value.field == "volunteers_needed"


def test_only_members_accept_or_decline(in_request, cast):
    from ptcc_volunteering import services

    with in_request("alpha"):
        response = services.answer(_user(cast["volunteer"]), _mission(cast["mission"]))
        for actor in (cast["volunteer"], cast["stranger"]):
            with pytest.raises(PermissionDenied):
                services.accept(_user(actor), response)
            with pytest.raises(PermissionDenied):
                services.decline(_user(actor), response)


def test_unverified_people_cannot_answer(in_request, cast, make_user):
    from ptcc_volunteering import services

    unverified = make_user(verified=False)
    with in_request("alpha"):
        with pytest.raises(PermissionDenied):
            services.answer(_user(unverified), _mission(cast["mission"]))


def test_missions_of_an_organisation_not_approved_are_hidden(in_request, make_user, make_organisation,
                                                             make_mission):
    from ptcc_volunteering import queries, services

    member = make_user()
    org = make_organisation("alpha", members=[member], status="refused")
    mission_id = make_mission("alpha", org, title="Cachée")
    with in_request("alpha"):
        with pytest.raises(NotFound):
            services.get_mission(mission_id)
        assert services.get_mission(mission_id, _user(member)).title == "Cachée"
        assert queries.search("Cachée", 10) == []
        assert queries.page_of_missions().total == 0


def test_filters(in_request, cast, make_organisation, make_mission, make_user):
    from ptcc_volunteering import queries

    other = make_organisation("alpha", members=[make_user()], name="Vélo Solidaire")
    make_mission("alpha", other, title="Atelier vélo", commune="Villeurbanne", skills=("Mécanique vélo",),
                 starts_in=20, days=3)
    make_mission("alpha", other, title="Permanence", starts_in=None, skills=())
    make_mission("alpha", other, title="Terminée", starts_in=-5, days=2)
    make_mission("alpha", other, title="Fermée", status="closed")

    def titles(**filters):
        return [m.title for m in queries.page_of_missions(**filters).items]

    with in_request("alpha"):
        assert titles() == ["Distribution alimentaire", "Atelier vélo", "Permanence"]
        assert titles(commune="Villeurbanne") == ["Atelier vélo"]
        assert titles(skill="mecanique-velo") == ["Atelier vélo"]
        assert titles(organisation=other["slug"]) == ["Atelier vélo", "Permanence"]
        day = date.today() + timedelta(days=21)
        assert titles(on_date=day) == ["Atelier vélo", "Permanence"]
        assert titles(on_date=day, skill="cuisine") == []
        choices = queries.filter_choices()
        assert choices["communes"] == ["Lyon", "Villeurbanne"]
        assert ("mecanique-velo", "Mécanique vélo") in choices["skills"]
        assert [name for _slug, name in choices["organisations"]] == ["Les Amis du Quartier", "Vélo Solidaire"]
        assert [m.title for m in queries.search("vélo", 10)] == ["Atelier vélo", "Permanence"]
        assert [m.title for m in queries.search("100%", 10)] == []


def test_personal_data_and_account_deletion(in_request, cast):
    from ptcc_volunteering import services
    from ptcc_volunteering.models import Response

    with in_request("alpha"):
        services.answer(_user(cast["volunteer"]), _mission(cast["mission"]), "bonjour")
        db.session.commit()
        data = services.personal_data(_user(cast["volunteer"]))
        assert data["answers"][0]["message"] == "bonjour"
        assert data["answers"][0]["mission"] == "Distribution alimentaire"
        services.forget_user(_user(cast["volunteer"]))
        db.session.commit()
        assert db.session.scalars(sa.select(Response)).all() == []


def test_merging_organisations_moves_the_missions_even_where_the_plugin_is_disabled(
        app, make_user, make_organisation, make_mission, territory_plugins, monkeypatch):
    """``ptcc_organisations_merged`` runs for every plugin whose tables the territory has."""
    import sqlalchemy as sa

    from ptcc.accounts.models import User
    from ptcc.organisations import merging
    from ptcc.organisations.models import Organisation
    from ptcc.tenancy import tenant_context
    from ptcc_volunteering import services
    from ptcc_volunteering.models import Mission

    moderator = make_user(tenant="alpha", role="moderator", locale="en")
    kept, merged = make_organisation("alpha"), make_organisation("alpha")
    mission_id = make_mission("alpha", merged)
    territory_plugins("alpha", [])
    calls = []
    real = services.move_missions
    monkeypatch.setattr(services, "move_missions", lambda k, m: (calls.append((k.id, m.id)), real(k, m)))
    with tenant_context("alpha", app=app), app.test_request_context(base_url="http://alpha.test"):
        merging.merge(db.session.get(User, moderator.id), db.session.get(Organisation, kept["id"]),
                      db.session.get(Organisation, merged["id"]))
        db.session.commit()
        assert db.session.scalar(sa.select(Mission.organisation_id).where(Mission.id == mission_id)) == kept["id"]
    assert calls == [(kept["id"], merged["id"])]
