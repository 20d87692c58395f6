"""Isolation cases of the volunteering plugin.

Each territory holds an approved organisation with the same slug, whose
administrator and owner are active members, two missions (one open, one
closed) and a pending answer; titles, descriptions and messages carry the
territory's marker. Every route is then called on alpha with beta's ids and
beta's private calendar token.
"""

from datetime import date, timedelta

from ptcc.extensions import db
from ptcc.organisations import models as m
from tests.isolation.framework import Case

ORDER = 60


def seed(ctx) -> dict:
    from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus, Response
    from ptcc_volunteering.tokens import calendar_token

    users = ctx.users
    with ctx.territory():
        organisation = m.Organisation(
            slug="volunteering-org", name=f"Volunteers {ctx.marker}", kind=m.OrganisationKind.ASSOCIATION,
            commune="Lyon", status=m.OrganisationStatus.APPROVED, created_by_id=users["owner"].id)
        db.session.add(organisation)
        db.session.flush()
        for key, role in (("owner", m.MembershipRole.OWNER), ("admin", m.MembershipRole.MEMBER)):
            db.session.add(m.Membership(organisation=organisation, user_id=users[key].id, role=role))
        start = date.today() + timedelta(days=10)
        open_mission = Mission(
            organisation=organisation, title=f"Mission {ctx.marker}", description=f"Help {ctx.marker}",
            commune=f"Commune {ctx.marker}", starts_on=start, ends_on=start, volunteers_needed=3,
            contact=f"contact-{ctx.marker}@example.org", created_by_id=users["owner"].id,
            skills=[MissionSkill(label=f"Skill {ctx.marker}", slug="shared-skill")])
        closed_mission = Mission(
            organisation=organisation, title=f"Closed mission {ctx.marker}", commune="Lyon",
            availability=f"Saturdays {ctx.marker}", volunteers_needed=1, status=MissionStatus.CLOSED)
        db.session.add_all([open_mission, closed_mission])
        db.session.flush()
        answer = Response(mission=open_mission, user_id=users["member"].id, message=f"Message {ctx.marker}")
        db.session.add(answer)
        db.session.commit()
        member = db.session.get(type(users["member"]), users["member"].id)
        return {
            "vol_org_id": organisation.id,
            "vol_org_slug": organisation.slug,
            "vol_mission_id": open_mission.id,
            "vol_closed_mission_id": closed_mission.id,
            "vol_response_id": answer.id,
            "vol_calendar_token": calendar_token(member),
        }


def _mission(v: dict) -> dict:
    return {"mission_id": v["vol_mission_id"]}


def _response(v: dict) -> dict:
    return {"response_id": v["vol_response_id"]}


def _mission_form(v: dict) -> dict:
    return {"organisation": str(v["vol_org_id"]), "title": "Written by the isolation suite",
            "description": "", "skills": "shared-skill", "commune": "Lyon",
            "starts_on": "", "ends_on": "", "availability": "every Monday", "volunteers_needed": "2",
            "contact": ""}


CASES = {
    "volunteering.index": Case(values=lambda v: {"organisation": v["vol_org_slug"], "skill": "shared-skill"}),
    "volunteering.create": Case(form=_mission_form),
    "volunteering.manage": Case(),
    "volunteering.show": Case(values=_mission),
    "volunteering.edit": Case(values=_mission, form=_mission_form),
    "volunteering.close": Case(values=_mission),
    "volunteering.reopen": Case(values=lambda v: {"mission_id": v["vol_closed_mission_id"]}),
    "volunteering.answer": Case(values=_mission, form={"message": "from alpha"}),
    "volunteering.responses": Case(values=_mission),
    "volunteering.accept": Case(values=_response),
    "volunteering.decline": Case(values=_response),
    "volunteering.withdraw": Case(values=_response),
    "volunteering.commitments": Case(),
    "volunteering.commitments_calendar": Case(values=lambda v: {"token": v["vol_calendar_token"]}),
    "volunteering.organisation_calendar": Case(values=lambda v: {"slug": v["vol_org_slug"]}),
    "volunteering.open_data_csv": Case(),
    "volunteering.open_data_json": Case(),
    "volunteering_api.missions": Case(values=lambda v: {"organisation": v["vol_org_slug"]}),
    "volunteering_api.mission": Case(values=_mission),
}
