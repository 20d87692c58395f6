"""A volunteer clicking "Je participe" several times at once: one answer, the organisation told once.

Twice per round: the first answer (the row does not exist yet), then answering again
after withdrawing (the row exists and is updated).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tests.races.conftest import ROUNDS, count

CLICKS = 5


def test_answering_several_times_at_once_makes_one_answer(race, make_user, new_organisation, db_in, outbox):
    from ptcc_volunteering.models import LIVE_RESPONSES, Mission, MissionStatus, Response, ResponseStatus

    manager = make_user(display_name="Maud Manager")
    volunteer = make_user(display_name="Victor Volontaire")
    org_id, _slug = new_organisation(owners=[manager])
    clients = [race.signed_in(volunteer) for _ in range(race.most_at_once(CLICKS))]

    for round_ in range(ROUNDS):
        with db_in() as session:
            mission = Mission(organisation_id=org_id, title=f"Distribution {round_}", commune="Lyon",
                              starts_on=date.today() + timedelta(days=7), volunteers_needed=3,
                              status=MissionStatus.OPEN)
            session.add(mission)
            session.flush()
            mission_id = mission.id

        for attempt in ("first answer", "answer again after withdrawing"):
            mails_before = len(outbox())

            answers = race.post(f"/missions/{mission_id}/answer", clients, {"message": "Avec plaisir"})

            # One is thanked; the others are told they have already answered (or, on a
            # uniqueness race, that something changed meanwhile): 409 either way.
            codes = sorted(answer.status_code for answer in answers)
            assert codes == [302] + [409] * (len(clients) - 1), f"round {round_}, {attempt}: {codes}"
            with db_in():
                live = count(Response, Response.mission_id == mission_id, Response.status.in_(LIVE_RESPONSES))
                assert live == 1, f"round {round_}, {attempt}: {live} answers"
            # The organisation's member is told once.
            assert len(outbox()) - mails_before == 1, f"round {round_}, {attempt}"
            with db_in() as session:
                session.execute(sa.update(Response).where(Response.mission_id == mission_id)
                                .values(status=ResponseStatus.WITHDRAWN))
