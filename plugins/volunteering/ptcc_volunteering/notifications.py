"""Who is told what: e-mails through the outbox, entries in the territory's activity feed.

E-mails are rendered in each recipient's language (their preference, else the
territory's default). The feed never names a volunteer: it is public.
"""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.outbox.services import queue_templated_email
from ptcc.web.urls import external_url

#: Activity-feed kinds this plugin writes (declared by the ``ptcc_activity_types`` hook).
MISSION_PUBLISHED = "volunteering.mission_published"
VOLUNTEER_ACCEPTED = "volunteering.volunteer_accepted"


def organisation_members(organisation) -> list:
    """The active members of an organisation: they receive the answers."""
    from ptcc.accounts.models import User
    from ptcc.organisations.models import Membership, MembershipStatus

    return db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(User.id)
    ).all()


def _send(user, template: str, **context) -> None:
    queue_templated_email(user.email, f"volunteering/email/{template}", user.locale or "", person=user,
                          **context)


def _publish(kind: str, mission, actor) -> None:
    from ptcc.activity.services import publish

    publish(kind, mission.title, "volunteering.show", {"mission_id": mission.id}, actor=actor,
            organisation=mission.organisation)


def mission_published(mission, actor) -> None:
    _publish(MISSION_PUBLISHED, mission, actor)


def response_received(response) -> None:
    mission = response.mission
    url = external_url("volunteering.responses", mission_id=mission.id)
    for member in organisation_members(mission.organisation):
        if member.id != response.user_id:
            _send(member, "response_received", mission=mission, response=response, volunteer=response.user,
                  url=url)


def response_accepted(response, actor) -> None:
    mission = response.mission
    _send(response.user, "response_accepted", mission=mission, response=response,
          url=external_url("volunteering.show", mission_id=mission.id),
          commitments_url=external_url("volunteering.commitments"))
    volunteer_accepted(mission, actor)


def volunteer_accepted(mission, actor) -> None:
    """The feed says that the mission gained a volunteer, without naming them."""
    _publish(VOLUNTEER_ACCEPTED, mission, actor)


def response_declined(response) -> None:
    mission = response.mission
    _send(response.user, "response_declined", mission=mission, response=response,
          missions_url=external_url("volunteering.index"))


def response_withdrawn(response, was_accepted: bool) -> None:
    mission = response.mission
    url = external_url("volunteering.responses", mission_id=mission.id)
    for member in organisation_members(mission.organisation):
        if member.id != response.user_id:
            _send(member, "response_withdrawn", mission=mission, response=response, volunteer=response.user,
                  was_accepted=was_accepted, url=url)
