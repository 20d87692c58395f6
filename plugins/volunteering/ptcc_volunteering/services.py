"""Posting missions and answering them.

Every function checks who may act first, then changes things and flushes; the
view commits. Refusals are ``ServiceError`` (shown next to a form field when
``field`` is set), ``PermissionDenied`` (403) or ``NotFound`` (404), with a
message already translated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import get_timezone

from ptcc.accounts.permissions import is_signed_in, require_verified
from ptcc.db import utcnow
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.web.input import DATE_MIN
from ptcc_volunteering import notifications
from ptcc_volunteering.i18n import _
from ptcc_volunteering.models import LIVE_RESPONSES, Mission, MissionSkill, MissionStatus, Response, ResponseStatus

MAX_SKILLS = 10
#: How far ahead a mission may be dated: beyond, it is a typing mistake more often than a plan.
MAX_YEARS_AHEAD = 5
MAX_VOLUNTEERS = 500
MAX_MESSAGE = 2000


# --- who may do what ------------------------------------------------------------


def is_manager(user, organisation) -> bool:
    """Active members of the mission's organisation manage it."""
    from ptcc.organisations.services import is_active_member

    return is_signed_in(user) and organisation is not None and is_active_member(user, organisation)


def require_manager(user, organisation) -> None:
    require_verified(user)
    if not is_manager(user, organisation):
        raise PermissionDenied(_("Only the members of %(name)s may do this.", name=organisation.name))


def postable_organisations(user) -> list:
    """The approved organisations in which ``user`` is an active member, by name."""
    if not is_signed_in(user):
        return []
    from ptcc.organisations.services import user_organisations

    return [organisation for organisation in user_organisations(user) if organisation.is_approved]


def is_visible(mission: Mission, user) -> bool:
    """Missions of approved organisations are public unless hidden by the moderators; the others
    only to the organisation's members, and to the moderators."""
    organisation = mission.organisation
    if organisation.is_public and not mission.is_hidden:
        return True
    if is_manager(user, organisation):
        return True
    from ptcc.accounts.models import Role
    from ptcc.accounts.permissions import has_role

    # Hidden after a report: the moderators still see what they decided about.
    return organisation.is_approved and has_role(user, Role.MODERATOR)


def get_mission(mission_id: int, user=None) -> Mission:
    mission = db.session.get(Mission, mission_id)
    if mission is None or not is_visible(mission, user):
        raise NotFound(_("This mission does not exist here."))
    return mission


def get_response(response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None:
        raise NotFound(_("This answer does not exist here."))
    return response


# --- cleaning what people typed -------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def parse_skills(value) -> list[str]:
    """Skills from a comma-separated text or a list: trimmed, without duplicates."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    skills, seen = [], set()
    for item in items:
        label = " ".join(str(item).split())
        slug = slugify(label)
        if not label or not slug or slug in seen:
            continue
        if len(label) > 60:
            raise ServiceError(_("Each skill must be at most 60 characters."), field="skills")
        seen.add(slug)
        skills.append(label)
    if len(skills) > MAX_SKILLS:
        raise ServiceError(_("Give at most %(n)d skills.", n=MAX_SKILLS), field="skills")
    return skills


def local_today() -> date:
    return datetime.now(get_timezone()).date()


@dataclass
class MissionFields:
    title: str
    description: str
    skills: list[str]
    commune: str
    starts_on: date | None
    ends_on: date | None
    availability: str
    volunteers_needed: int
    contact: str


def clean_fields(*, title, description="", skills=(), commune, starts_on=None, ends_on=None,
                 availability="", volunteers_needed=1, contact="", new: bool = True) -> MissionFields:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_("Give the mission a title."), field="title")
    if len(title) > 160:
        raise ServiceError(_("The title must be at most 160 characters."), field="title")
    commune = " ".join((commune or "").split())
    if not commune:
        raise ServiceError(_("Say in which commune the mission takes place."), field="commune")
    if len(commune) > 120:
        raise ServiceError(_("The commune must be at most 120 characters."), field="commune")
    availability = " ".join((availability or "").split())
    if len(availability) > 200:
        raise ServiceError(_("The availability must be at most 200 characters."), field="availability")
    if ends_on and not starts_on:
        raise ServiceError(_("Give the first day as well as the last one."), field="starts_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise ServiceError(_("The last day cannot come before the first day."), field="ends_on")
    if not starts_on and not availability:
        raise ServiceError(_("Give the dates of the mission, or describe when volunteers are needed."),
                           field="starts_on")
    if new and starts_on and (ends_on or starts_on) < local_today():
        raise ServiceError(_("The mission's dates are in the past."), field="starts_on")
    today = local_today()
    horizon = today.replace(year=today.year + MAX_YEARS_AHEAD, day=min(today.day, 28))  # no 29 February
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day and not DATE_MIN <= day <= horizon:
            raise ServiceError(_("A mission is planned at most %(years)d years ahead.", years=MAX_YEARS_AHEAD),
                               field=name)
    try:
        needed = int(volunteers_needed)
    except (TypeError, ValueError):
        raise ServiceError(_("Give the number of volunteers as a whole number."),
                           field="volunteers_needed") from None
    if not 1 <= needed <= MAX_VOLUNTEERS:
        raise ServiceError(_("The number of volunteers must be between 1 and %(max)d.", max=MAX_VOLUNTEERS),
                           field="volunteers_needed")
    contact = (contact or "").strip()
    if len(contact) > 200:
        raise ServiceError(_("The contact must be at most 200 characters."), field="contact")
    return MissionFields(title=title, description=(description or "").strip(), skills=parse_skills(skills),
                         commune=commune, starts_on=starts_on, ends_on=ends_on if starts_on else None,
                         availability=availability, volunteers_needed=needed, contact=contact)


def _apply(mission: Mission, fields: MissionFields) -> None:
    for name in ("title", "description", "commune", "starts_on", "ends_on", "availability",
                 "volunteers_needed", "contact"):
        setattr(mission, name, getattr(fields, name))
    wanted = {slugify(label): label for label in fields.skills}
    for skill in list(mission.skills):
        if skill.slug not in wanted:
            mission.skills.remove(skill)
    present = {skill.slug for skill in mission.skills}
    for slug, label in wanted.items():
        if slug not in present:
            mission.skills.append(MissionSkill(label=label, slug=slug))
        else:
            next(s for s in mission.skills if s.slug == slug).label = label


# --- missions ---------------------------------------------------------------------


def create_mission(actor, organisation, **values) -> Mission:
    """Post a mission for ``organisation``; it is open at once and announced in the feed."""
    require_manager(actor, organisation)
    if not organisation.is_approved:
        raise ServiceError(_("%(name)s is not approved in this territory yet: it cannot post missions.",
                             name=organisation.name), field="organisation")
    fields = clean_fields(new=True, **values)
    mission = Mission(organisation=organisation, created_by_id=actor.id, status=MissionStatus.OPEN)
    _apply(mission, fields)
    db.session.add(mission)
    db.session.flush()
    notifications.mission_published(mission, actor)
    return mission


def update_mission(actor, mission: Mission, **values) -> Mission:
    require_manager(actor, mission.organisation)
    fields = clean_fields(new=False, **values)
    if fields.volunteers_needed < mission.accepted_count:
        raise ServiceError(_("%(n)d volunteers are already accepted: the number needed cannot be lower.",
                             n=mission.accepted_count), field="volunteers_needed")
    _apply(mission, fields)
    db.session.flush()
    return mission


def close_mission(actor, mission: Mission) -> Mission:
    require_manager(actor, mission.organisation)
    if not mission.is_open:
        raise ServiceError(_("This mission is already closed."))
    mission.status = MissionStatus.CLOSED
    mission.closed_at = utcnow()
    db.session.flush()
    return mission


def reopen_mission(actor, mission: Mission) -> Mission:
    require_manager(actor, mission.organisation)
    if mission.is_open:
        raise ServiceError(_("This mission is already open."))
    if not mission.organisation.is_approved:
        raise ServiceError(_("%(name)s is not approved in this territory: its missions stay closed.",
                             name=mission.organisation.name))
    mission.status = MissionStatus.OPEN
    mission.closed_at = None
    db.session.flush()
    return mission


# --- answers ------------------------------------------------------------------------


def own_response(user, mission: Mission) -> Response | None:
    if not is_signed_in(user):
        return None
    # Read afresh even if the session holds it already: ``answer`` asks after waiting its turn.
    return db.session.scalar(sa.select(Response).where(Response.mission_id == mission.id,
                                                       Response.user_id == user.id)
                             .execution_options(populate_existing=True))


def _take_turn(mission: Mission, *answers: Response) -> None:
    """Changes to one mission's answers take turns on the mission's row, then read again
    what they check: the places taken, the state of an answer.

    On PostgreSQL this is the row lock (``FOR NO KEY UPDATE``: it lets other transactions
    add rows pointing to the mission); on SQLite the request holds the database's write
    lock from its first query, and the lock clause is left out.
    """
    db.session.execute(sa.select(Mission.id).where(Mission.id == mission.id).with_for_update(key_share=True))
    for thing in (mission, *answers):
        db.session.expire(thing)


def answer(actor, mission: Mission, message: str = "") -> Response:
    """“Count me in” (“Je participe”): one answer per person and mission, while places are left."""
    require_verified(actor)
    if not is_visible(mission, actor):
        raise NotFound(_("This mission does not exist here."))
    # One answer per person even when "Je participe" is sent twice at once: the second waits
    # for the first, then finds it.
    _take_turn(mission)
    if not mission.is_open:
        raise ServiceError(_("This mission is closed: it no longer takes volunteers."))
    if mission.is_full:
        raise ServiceError(_("This mission already has all the volunteers it needs."))
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ServiceError(_("The message must be at most %(n)d characters.", n=MAX_MESSAGE), field="message")
    response = own_response(actor, mission)
    if response is not None and response.status in LIVE_RESPONSES:
        raise ServiceError(_("You have already answered this mission."))
    if response is not None and response.status == ResponseStatus.DECLINED:
        raise ServiceError(_("The organisation has already declined your answer to this mission."))
    if response is None:
        response = Response(mission=mission, user_id=actor.id)
        db.session.add(response)
    response.message = message
    response.status = ResponseStatus.PENDING
    response.created_at = utcnow()
    response.decided_at = None
    response.decided_by_id = None
    db.session.flush()
    notifications.response_received(response)
    return response


def _decide(actor, response: Response, status: ResponseStatus) -> Response:
    require_manager(actor, response.mission.organisation)
    if response.status != ResponseStatus.PENDING:
        raise ServiceError(_("This answer has already been dealt with."))
    response.status = status
    response.decided_at = utcnow()
    response.decided_by_id = actor.id
    db.session.flush()
    return response


def accept(actor, response: Response) -> Response:
    mission = response.mission
    require_manager(actor, mission.organisation)
    # Members accepting at once take turns, so that they cannot exceed the places.
    _take_turn(mission, response)
    accepted = db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(
        Response.mission_id == mission.id, Response.status == ResponseStatus.ACCEPTED))
    if response.status == ResponseStatus.PENDING and accepted >= mission.volunteers_needed:
        raise ServiceError(_("This mission already has all the volunteers it needs: raise the number "
                             "needed before accepting someone else."))
    _decide(actor, response, ResponseStatus.ACCEPTED)
    notifications.response_accepted(response, actor)
    return response


def decline(actor, response: Response) -> Response:
    _take_turn(response.mission, response)
    _decide(actor, response, ResponseStatus.DECLINED)
    notifications.response_declined(response)
    return response


def withdraw(actor, response: Response) -> Response:
    """The volunteer takes back an answer that is waiting or accepted."""
    require_verified(actor)
    if response.user_id != actor.id:
        raise PermissionDenied(_("Only the person who answered may withdraw."))
    _take_turn(response.mission, response)
    if response.status not in LIVE_RESPONSES:
        raise ServiceError(_("This answer is no longer current."))
    was_accepted = response.status == ResponseStatus.ACCEPTED
    response.status = ResponseStatus.WITHDRAWN
    response.decided_at = utcnow()
    response.decided_by_id = None
    db.session.flush()
    notifications.response_withdrawn(response, was_accepted)
    return response


# --- personal data ------------------------------------------------------------------


def personal_data(user) -> dict:
    responses = db.session.scalars(sa.select(Response).where(Response.user_id == user.id)
                                   .order_by(Response.created_at)).all()
    posted = db.session.scalars(sa.select(Mission).where(Mission.created_by_id == user.id)
                                .order_by(Mission.created_at)).all()
    return {
        "answers": [{"mission": r.mission.title, "organisation": r.mission.organisation.name,
                     "status": r.status.value, "message": r.message, "answered_at": r.created_at.isoformat(),
                     "decided_at": r.decided_at.isoformat() if r.decided_at else None} for r in responses],
        "missions_posted": [{"title": m.title, "organisation": m.organisation.name,
                             "created_at": m.created_at.isoformat()} for m in posted],
    }


def forget_user(user) -> None:
    """Before an account is deleted: its answers go, its missions stay with their organisation."""
    db.session.execute(sa.delete(Response).where(Response.user_id == user.id))
    db.session.execute(sa.update(Mission).where(Mission.created_by_id == user.id).values(created_by_id=None))
    db.session.execute(sa.update(Response).where(Response.decided_by_id == user.id).values(decided_by_id=None))
    db.session.flush()


def move_missions(kept, merged) -> None:
    """A moderator merged ``merged`` into ``kept``: its missions, with their answers, go to ``kept``.

    Through the ORM, so that the search index writes the kept organisation's name in them.
    """
    for mission in db.session.scalars(sa.select(Mission).where(Mission.organisation_id == merged.id)):
        mission.organisation = kept
    db.session.flush()


# --- reports (ptcc.reports): moderators may hide a mission ---------------------------


def hide_entries_about(endpoint: str, url_values: dict, hidden: bool = True) -> None:
    from ptcc.activity.services import hide_entries_about as hide

    hide(endpoint, url_values, hidden)


def hide_mission(mission: Mission, reason: str) -> None:
    """Hide the mission from everyone but the moderators and its organisation's members; flush."""
    mission.hidden_at = mission.hidden_at or utcnow()
    mission.hidden_reason = (reason or "").strip()
    hide_entries_about("volunteering.show", {"mission_id": mission.id})


def unhide_mission(mission: Mission) -> None:
    mission.hidden_at = None
    mission.hidden_reason = ""
    hide_entries_about("volunteering.show", {"mission_id": mission.id}, hidden=False)


def reportable_type():
    """What ``ptcc_reportable_types`` declares for missions."""
    from flask import url_for

    from ptcc.organisations.services import owners
    from ptcc.plugins import ReportableType
    from ptcc_volunteering.i18n import _l

    return ReportableType(
        name="volunteering.mission",
        label=_l("Volunteer mission"),
        load=lambda object_id: db.session.get(Mission, object_id),
        title=lambda mission: mission.title,
        url=lambda mission: url_for("volunteering.show", mission_id=mission.id),
        hide=hide_mission,
        unhide=unhide_mission,
        is_hidden=lambda mission: mission.is_hidden,
        owners=lambda mission: owners(mission.organisation),
        may_report=is_visible,
    )
