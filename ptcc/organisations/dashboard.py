"""The organisations' block of the dashboard, as plain data cached per person and data version.

Every signed-in page of the dashboard would otherwise load the person's organisations and the
join requests waiting for them as ORM rows (with their descriptions) at every request. The
values kept here are named tuples of strings and numbers only (``ptcc.caching``: never ORM
objects), keyed by the person's id, so that one person's list is never shown to another; any
committed write in the territory (a membership, a request, a renamed organisation) gives it a
new data version, and the next request reads them again.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ptcc.caching import cached_per_territory
from ptcc.extensions import db
from ptcc.organisations.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationStatus,
)


class OrganisationLink(NamedTuple):
    """What the block shows of an organisation: its link, its name and its kind's value."""

    slug: str
    name: str
    kind: str


class JoinRequests(NamedTuple):
    organisation: OrganisationLink
    asking: int


class Suspension(NamedTuple):
    organisation: OrganisationLink
    reason: str


class PersonalData(NamedTuple):
    #: Approved organisations where the person is an active member, by name.
    organisations: tuple[OrganisationLink, ...]
    #: Organisations the person owns with join requests waiting, with how many.
    requests: tuple[JoinRequests, ...]
    #: Organisations the person owns that the moderators suspended, with their reason.
    suspended: tuple[Suspension, ...] = ()


@cached_per_territory("organisations.dashboard.personal")
def personal_data(user_id: int) -> PersonalData:
    """``services.user_organisations`` and ``services.requests_to_answer`` of one person."""
    organisations = db.session.execute(
        sa.select(Organisation.slug, Organisation.name, Organisation.kind).join(Membership)
        .where(Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE,
               Organisation.status == OrganisationStatus.APPROVED)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)).all()
    asking = aliased(Membership)
    owned = (sa.select(Membership.organisation_id)
             .where(Membership.user_id == user_id, Membership.role == MembershipRole.OWNER,
                    Membership.status == MembershipStatus.ACTIVE))
    requests = db.session.execute(
        sa.select(Organisation.slug, Organisation.name, Organisation.kind, sa.func.count(asking.id))
        .join(asking, asking.organisation_id == Organisation.id)
        .where(Organisation.id.in_(owned), asking.status == MembershipStatus.PENDING)
        .group_by(Organisation.id, Organisation.slug, Organisation.name, Organisation.kind)
        .order_by(Organisation.name)).all()
    suspended = db.session.execute(
        sa.select(Organisation.slug, Organisation.name, Organisation.kind, Organisation.suspension_reason)
        .where(Organisation.id.in_(owned), Organisation.status == OrganisationStatus.SUSPENDED)
        .order_by(Organisation.name)).all()
    return PersonalData(
        organisations=tuple(OrganisationLink(slug, name, _value(kind)) for slug, name, kind in organisations),
        requests=tuple(JoinRequests(OrganisationLink(slug, name, _value(kind)), count)
                       for slug, name, kind, count in requests),
        suspended=tuple(Suspension(OrganisationLink(slug, name, _value(kind)), reason)
                        for slug, name, kind, reason in suspended),
    )


@cached_per_territory("organisations.dashboard.pending")
def pending_organisations() -> int:
    """Organisations waiting for the moderators (the same for every moderator of the territory)."""
    from ptcc.organisations.services import pending_join_requests_count

    return pending_join_requests_count()


def _value(kind) -> str:
    return getattr(kind, "value", kind)
