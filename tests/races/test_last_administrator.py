"""Two administrators demoting each other at the same moment: the territory keeps one."""

from __future__ import annotations

from ptcc.testing.races import RaceRequest
from tests.races.conftest import ROUNDS, count


def test_two_administrators_demoting_each_other_leave_one(race, make_user, db_in):
    from ptcc.accounts.models import Role, User

    ada = make_user(role="admin", display_name="Ada Admin")
    bob = make_user(role="admin", display_name="Bob Admin")
    ada_client, bob_client = race.signed_in(ada), race.signed_in(bob)

    for round_ in range(ROUNDS):
        with db_in() as session:  # both administrators again
            for person in (ada, bob):
                session.get(User, person.id).role = Role.ADMIN

        race.run([RaceRequest(ada_client, f"/admin/people/{bob.id}/role", {"role": "member"}),
                  RaceRequest(bob_client, f"/admin/people/{ada.id}/role", {"role": "member"})])

        with db_in():
            admins = count(User, User.role == Role.ADMIN)
        assert admins == 1, f"round {round_}: {admins} administrators left"
