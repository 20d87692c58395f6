"""The demo missions ``ptcc demo`` adds to the Lyon demo territory."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.extensions import db


def test_build_demo_missions_on_the_lyon_demo_content(in_request, alpha):
    from ptcc.activity.models import ActivityEntry
    from ptcc.demo.builder import build_territory
    from ptcc.demo.content import TERRITORIES
    from ptcc_volunteering.demo import MISSIONS, build_demo_missions
    from ptcc_volunteering.models import Mission, Response, ResponseStatus

    with in_request("alpha"):
        build_territory(TERRITORIES["lyon"])
        lines = build_demo_missions()
        db.session.commit()
        missions = db.session.scalars(sa.select(Mission)).unique().all()
        assert len(missions) == len(MISSIONS) and lines[0].startswith(f"{len(MISSIONS)} volunteer missions")
        assert all(m.organisation.is_approved and m.created_by_id for m in missions)
        assert {m.commune for m in missions} >= {"Lyon", "Villeurbanne", "Vénissieux"}
        responses = db.session.scalars(sa.select(Response)).all()
        assert {r.status for r in responses} == {ResponseStatus.ACCEPTED, ResponseStatus.PENDING}
        kinds = db.session.scalars(sa.select(ActivityEntry.kind)).all()
        assert kinds.count("volunteering.mission_published") == len(MISSIONS)
        assert kinds.count("volunteering.volunteer_accepted") == 2
        # Running it again adds nothing.
        assert build_demo_missions() == ["volunteer missions already present, skipped"]
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mission)) == len(MISSIONS)
    page = alpha.get("/missions/").get_data(as_text=True)
    assert f"{len(MISSIONS)} missions trouvées" in page and "Chantier de printemps" in page


WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def named_weekdays(*texts: str) -> set[int]:
    import re

    words = set(re.findall(r"\w+", " ".join(texts).lower()))
    return {index for index, name in enumerate(WEEKDAYS_FR) if name in words}


def test_demo_dates_fall_on_the_weekdays_their_text_names_whatever_the_day_it_is_built():
    from datetime import date, timedelta

    from ptcc.demo.dates import demo_day
    from ptcc_volunteering.demo import MISSIONS

    checked = 0
    for today in (date(2027, 1, 1) + timedelta(days=n) for n in range(7)):  # every weekday of the build
        for (_org, title, description, _skills, _commune, offset, days, availability, _needed, _contact,
             answers) in MISSIONS:
            if offset is None:
                continue  # recurring ("chaque mardi"): no date
            start = demo_day(today, offset)
            weekdays = {(start + timedelta(days=n)).weekday() for n in range(days)}
            named = named_weekdays(title, description, availability, *(message for _e, _s, message in answers))
            assert named <= weekdays, (title, today, start)
            checked += bool(named)
    assert checked == 7 * 2  # the festival (samedi, dimanche) and the install party (samedi)


def test_demo_mission_pages_show_the_weekday_of_their_dates(in_request, alpha):
    from ptcc.demo.builder import build_territory
    from ptcc.demo.content import TERRITORIES
    from ptcc_volunteering.demo import build_demo_missions
    from ptcc_volunteering.models import Mission

    with in_request("alpha"):
        build_territory(TERRITORIES["lyon"])
        build_demo_missions()
        db.session.commit()
        party = db.session.scalar(sa.select(Mission).where(Mission.title.startswith("Install party")))
        festival = db.session.scalar(sa.select(Mission).where(Mission.title.startswith("Festival")))
        assert party.starts_on.weekday() == 5
        assert (festival.starts_on.weekday(), festival.ends_on.weekday()) == (5, 6)
        party_id = party.id
    page = alpha.get(f"/missions/{party_id}").get_data(as_text=True)
    assert "Le samedi " in page and "samedi de 10 h à 18 h" in page
