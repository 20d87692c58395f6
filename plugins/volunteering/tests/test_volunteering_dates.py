"""Finding 4: dates at the calendar's end are refused, and one already stored breaks no feed."""

from __future__ import annotations

from datetime import date

import pytest

from ptcc.extensions import db
from ptcc.tenancy import tenant_context


def _mission_form(organisation_id, **overrides):
    form = {"organisation": str(organisation_id), "title": "Chantier", "description": "Aider",
            "commune": "Lyon", "volunteers_needed": "2", "skills": "bricolage", "contact": ""}
    form.update(overrides)
    return form


@pytest.mark.parametrize("starts_on, ends_on", [
    ("9999-12-31", ""), ("9999-12-30", "9999-12-31"), ("2199-12-31", ""), ("0001-01-01", ""),
    ("10000-01-01", ""), (date.today().replace(year=date.today().year + 6).isoformat(), ""),
])
def test_a_mission_far_in_the_future_is_refused(signed_in, cast, starts_on, ends_on):
    from ptcc_volunteering.models import Mission

    client = signed_in(cast["member"])
    response = client.submit("/missions/new", _mission_form(cast["organisation"]["id"], starts_on=starts_on,
                                                            ends_on=ends_on))
    assert response.status_code == 400
    with tenant_context("alpha", app=client.client.application):
        assert db.session.query(Mission).count() == 1  # the cast's mission only


def test_a_date_at_the_calendars_end_already_stored_breaks_no_calendar(signed_in, cast, make_mission, app):
    from ptcc_volunteering.models import Response, ResponseStatus

    mission = make_mission("alpha", cast["organisation"], starts_in=None, availability="",
                           starts_on=date(9999, 12, 31), ends_on=date(9999, 12, 31))
    with tenant_context("alpha", app=app):
        db.session.add(Response(mission_id=mission, user_id=cast["volunteer"].id, status=ResponseStatus.ACCEPTED))
        db.session.commit()
    client = signed_in(cast["volunteer"])
    slug = cast["organisation"]["slug"]
    organisation_feed = client.get(f"/missions/organisations/{slug}/calendar.ics")
    assert organisation_feed.status_code == 200 and "DTSTART;VALUE=DATE:99991231" in organisation_feed.get_data(
        as_text=True)
    page = client.get("/missions/commitments").get_data(as_text=True)
    feed_path = page.split("/missions/commitments/calendar/", 1)[1].split('"', 1)[0]
    private = client.get(f"/missions/commitments/calendar/{feed_path}")
    assert private.status_code == 200 and "99991231" in private.get_data(as_text=True)
