"""Missions can be reported (``ptcc_reportable_types``): hidden, they leave every public place."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.extensions import db


def test_a_reported_mission_is_hidden_everywhere_but_for_moderators_and_members(
        alpha, cast, signed_in, make_user, in_request, outbox):
    from ptcc.audit.models import AuditEntry
    from ptcc.reports.models import Report

    from ptcc.activity.services import publish
    from ptcc_volunteering.notifications import MISSION_PUBLISHED

    mission_id = cast["mission"]
    with in_request("alpha"):
        publish(MISSION_PUBLISHED, "Distribution alimentaire", "volunteering.show", {"mission_id": mission_id})
        db.session.commit()
    assert "Distribution alimentaire" in alpha.get("/activity").get_data(as_text=True)
    volunteer = signed_in(cast["volunteer"])
    page = volunteer.get(f"/missions/{mission_id}").get_data(as_text=True)
    report_url = f"/reports/new/volunteering.mission/{mission_id}"
    assert report_url in page
    assert volunteer.submit(report_url, {"reason": "misleading", "details": "No such event"}).status_code == 302

    moderator = make_user(role="moderator", locale="en")
    moderating = signed_in(moderator)
    queue = moderating.get("/reports/").get_data(as_text=True)
    assert "Distribution alimentaire" in queue and "Volunteer mission" in queue
    with in_request("alpha"):
        report_id = db.session.scalars(sa.select(Report.id)).one()
    assert moderating.submit(f"/reports/{report_id}/hide", {"reason": "The event does not exist"}).status_code == 302

    assert alpha.get(f"/missions/{mission_id}").status_code == 404
    assert volunteer.get(f"/missions/{mission_id}").status_code == 404
    assert "Distribution alimentaire" not in alpha.get("/missions/").get_data(as_text=True)
    assert "Distribution alimentaire" not in alpha.get("/search?q=Distribution").get_data(as_text=True)
    assert "Distribution alimentaire" not in alpha.get("/missions/open-data/missions.csv").get_data(as_text=True)
    assert alpha.get(f"/api/volunteering/missions/{mission_id}").status_code == 404
    assert "Distribution alimentaire" not in alpha.get("/activity").get_data(as_text=True)
    member_page = signed_in(cast["member"]).get(f"/missions/{mission_id}").get_data(as_text=True)
    assert "The event does not exist" in member_page
    assert moderating.get(f"/missions/{mission_id}").status_code == 200

    member_mail = [m for m in outbox("alpha") if m["recipient"] == cast["member"].email][-1]
    assert "The event does not exist" in member_mail["body"]
    assert any(m["recipient"] == cast["volunteer"].email and "The event does not exist" in m["body"]
               for m in outbox("alpha"))
    with in_request("alpha"):
        assert db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("report.%"))
                                  .order_by(AuditEntry.id)).all() == ["report.created", "report.content_hidden"]

    assert moderating.submit(f"/reports/{report_id}/restore", {"reason": "Confirmed by the town"}).status_code == 302
    assert alpha.get(f"/missions/{mission_id}").status_code == 200
    assert "Distribution alimentaire" in alpha.get("/search?q=Distribution").get_data(as_text=True)
    assert "Distribution alimentaire" in alpha.get("/activity").get_data(as_text=True)


def test_a_mission_nobody_may_see_cannot_be_reported(cast, signed_in, make_organisation, make_mission):
    pending = make_organisation("alpha", status="pending", members=[cast["member"]])
    hidden_mission = make_mission("alpha", pending, title="Pas encore publique")
    stranger = signed_in(cast["stranger"])
    assert stranger.get(f"/reports/new/volunteering.mission/{hidden_mission}").status_code == 404
