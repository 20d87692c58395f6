"""Members accepting five volunteers at once for a one-place mission: only one is accepted."""

from __future__ import annotations

from datetime import date, timedelta

from ptcc.testing.races import RaceRequest
from tests.races.conftest import ROUNDS, count

VOLUNTEERS = 5


def test_parallel_accepts_never_exceed_the_places(race, make_user, new_organisation, db_in, outbox):
    from ptcc_volunteering.models import Mission, MissionStatus, Response, ResponseStatus

    manager = make_user(display_name="Maud Manager")
    volunteers = [make_user(display_name=f"Volunteer {n}") for n in range(race.most_at_once(VOLUNTEERS))]
    org_id, _slug = new_organisation(owners=[manager])
    # Five sessions of the same member: each clicks "accept" on a different volunteer.
    clients = [race.signed_in(manager) for _ in volunteers]

    for round_ in range(ROUNDS):
        with db_in() as session:
            mission = Mission(organisation_id=org_id, title=f"Une place {round_}", commune="Lyon",
                              starts_on=date.today() + timedelta(days=7), volunteers_needed=1,
                              status=MissionStatus.OPEN)
            mission.responses = [Response(user_id=v.id, status=ResponseStatus.PENDING) for v in volunteers]
            session.add(mission)
            session.flush()
            mission_id, response_ids = mission.id, [r.id for r in mission.responses]
        mails_before = len(outbox())

        answers = race.run([RaceRequest(client, f"/missions/responses/{rid}/accept")
                            for client, rid in zip(clients, response_ids)])

        # Every click gets its page back: the accepted one, and the others told the mission is full.
        assert [answer.status_code for answer in answers] == [302] * len(volunteers)
        with db_in():
            accepted = count(Response, Response.mission_id == mission_id, Response.status == ResponseStatus.ACCEPTED)
        assert accepted == 1, f"round {round_}: {accepted} volunteers accepted for one place"
        # Only the accepted volunteer is told so.
        assert len(outbox()) - mails_before == 1
