"""The same invitation sent six times at once (a double click, a resubmitted form): one
invitation, one e-mail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.db import utcnow
from tests.races.conftest import ROUNDS, count

SENDERS = 6


def test_identical_invitations_at_once_make_one_invitation_and_one_e_mail(
        race, make_user, new_organisation, db_in, outbox):
    from ptcc.organisations.models import Invitation

    olga = make_user(display_name="Olga Owner")
    org_id, slug = new_organisation(owners=[olga])
    clients = [race.signed_in(olga) for _ in range(race.most_at_once(SENDERS))]

    for round_ in range(ROUNDS):
        email = f"guest{round_}@example.org"

        answers = race.post(f"/organisations/{slug}/invitations", clients, {"email": email, "role": "member"})

        # Each sender sees a success, or at worst "changed meanwhile, try again"; none crashed.
        assert {answer.status_code for answer in answers} <= {302, 409}, [a.status_code for a in answers]
        with db_in():
            invitations = count(Invitation, Invitation.organisation_id == org_id, Invitation.email == email,
                                Invitation.accepted_at.is_(None))
        assert invitations == 1, f"round {round_}: {invitations} invitations"
        mails = [mail for mail in outbox() if mail["recipient"] == email]
        assert len(mails) == 1, f"round {round_}: {len(mails)} e-mails to {email}"


def test_the_database_refuses_a_second_open_invitation(make_user, new_organisation, db_in):
    """What the organisation's lock does not cover (another code path, a lock forgotten) the
    partial unique index refuses; accepted invitations stay as history."""
    from ptcc.organisations.models import Invitation

    org_id, _slug = new_organisation(owners=[make_user()])
    with db_in() as session:
        session.add(Invitation(organisation_id=org_id, email="twice@example.org", accepted_at=utcnow()))
        session.add(Invitation(organisation_id=org_id, email="twice@example.org"))
    with pytest.raises(sa.exc.IntegrityError), db_in() as session:
        session.add(Invitation(organisation_id=org_id, email="twice@example.org"))
        session.flush()


def test_the_same_invitation_later_is_a_reminder_and_goes_out_again(race, make_user, new_organisation, db_in,
                                                                     outbox):
    from ptcc.organisations.memberships import REPEAT_WINDOW
    from ptcc.organisations.models import Invitation

    olga = make_user()
    _org_id, slug = new_organisation(owners=[olga])
    client = race.signed_in(olga)
    form = {"email": "later@example.org", "role": "member"}
    assert client.submit(f"/organisations/{slug}/invitations", form).status_code == 302
    assert client.submit(f"/organisations/{slug}/invitations", form).status_code == 302
    assert len(outbox()) == 1
    with db_in() as session:
        session.execute(sa.update(Invitation).values(created_at=utcnow() - REPEAT_WINDOW))

    assert client.submit(f"/organisations/{slug}/invitations", form).status_code == 302
    assert len(outbox()) == 2
