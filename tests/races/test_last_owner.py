"""Two owners stepping down at the same moment: the organisation keeps one."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.testing.races import RaceRequest
from tests.races.conftest import ROUNDS, count


def _active_owners(org_id: int) -> int:
    from ptcc.organisations.models import Membership, MembershipRole, MembershipStatus

    return count(Membership, Membership.organisation_id == org_id, Membership.role == MembershipRole.OWNER,
                 Membership.status == MembershipStatus.ACTIVE)


def test_two_owners_leaving_at_once_leave_one(race, make_user, new_organisation, db_in):
    olga, oscar = make_user(display_name="Olga Owner"), make_user(display_name="Oscar Owner")
    clients = [race.signed_in(olga), race.signed_in(oscar)]

    for round_ in range(ROUNDS):
        org_id, slug = new_organisation(owners=[olga, oscar])

        race.post(f"/organisations/{slug}/leave", clients)

        with db_in():
            owners = _active_owners(org_id)
        assert owners == 1, f"round {round_}: {owners} owners left"


def test_two_owners_demoting_each_other_leave_one(race, make_user, new_organisation, db_in):
    from ptcc.organisations.models import Membership

    olga, oscar = make_user(display_name="Olga Owner"), make_user(display_name="Oscar Owner")
    olga_client, oscar_client = race.signed_in(olga), race.signed_in(oscar)

    for round_ in range(ROUNDS):
        org_id, slug = new_organisation(owners=[olga, oscar])
        with db_in() as session:
            ids = dict(session.execute(sa.select(Membership.user_id, Membership.id)
                                       .where(Membership.organisation_id == org_id)).all())

        def demote(membership_id: int) -> dict:
            return {f"m{membership_id}-role": "member"}

        race.run([RaceRequest(olga_client, f"/organisations/{slug}/members/{ids[oscar.id]}", demote(ids[oscar.id])),
                  RaceRequest(oscar_client, f"/organisations/{slug}/members/{ids[olga.id]}", demote(ids[olga.id]))])

        with db_in():
            owners = _active_owners(org_id)
        assert owners == 1, f"round {round_}: {owners} owners left"
