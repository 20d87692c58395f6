"""The volunteering block of the dashboard, as plain data cached per person and data version.

Two queries of a few columns each, instead of the person's answers with their missions, the
missions' organisations and skills as ORM rows, and the person's organisations loaded again:
the block shows titles and counts only. What is kept (``ptcc.caching.cached_per_territory``)
is named tuples of numbers and strings, keyed by the person's id: one person's commitments are
never shown to another, and any committed write in the territory (an answer, a decision, a
mission edited) gives a new data version, so the next request reads them again.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from ptcc.caching import cached_per_territory
from ptcc.extensions import db
from ptcc_volunteering.models import LIVE_RESPONSES, Mission, MissionStatus, Response, ResponseStatus


class Commitment(NamedTuple):
    """A live answer of the person (waiting for the organisation, or accepted)."""

    mission_id: int
    title: str
    accepted: bool


class WaitingMission(NamedTuple):
    """An open mission of one of the person's organisations, with answers waiting for a decision."""

    mission_id: int
    title: str
    answers: int


class DashboardData(NamedTuple):
    commitments: tuple[Commitment, ...]
    waiting: tuple[WaitingMission, ...]


@cached_per_territory("volunteering.dashboard")
def dashboard_data(user_id: int) -> DashboardData:
    """``queries.commitments`` (live ones only) and ``queries.waiting_answers`` of the
    organisations where the person may post (``services.postable_organisations``)."""
    from ptcc.organisations.models import Membership, MembershipStatus, Organisation, OrganisationStatus

    commitments = db.session.execute(
        sa.select(Mission.id, Mission.title, Response.status)
        .join(Mission, Mission.id == Response.mission_id)
        .where(Response.user_id == user_id, Response.status.in_(LIVE_RESPONSES))
        .order_by(sa.case((Mission.starts_on.is_(None), 1), else_=0), Mission.starts_on,
                  Response.created_at.desc())).all()
    postable = (sa.select(Membership.organisation_id)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE,
                       Organisation.status == OrganisationStatus.APPROVED))
    waiting = db.session.execute(
        sa.select(Mission.id, Mission.title, sa.func.count(Response.id))
        .join(Response, Response.mission_id == Mission.id)
        .where(Mission.organisation_id.in_(postable), Mission.status == MissionStatus.OPEN,
               Response.status == ResponseStatus.PENDING)
        .group_by(Mission.id, Mission.title, Mission.created_at)
        .order_by(Mission.created_at.desc(), Mission.id.desc())).all()
    return DashboardData(
        commitments=tuple(Commitment(mission_id, title, status == ResponseStatus.ACCEPTED)
                          for mission_id, title, status in commitments),
        waiting=tuple(WaitingMission(mission_id, title, count) for mission_id, title, count in waiting),
    )
