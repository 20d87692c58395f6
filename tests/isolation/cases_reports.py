"""Isolation cases of the reports: each territory holds an open and a handled report with the
same ids, about its organisation of the same slug; details and titles carry the marker."""

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations.models import Organisation
from ptcc.reports.models import Report, ReportReason, ReportStatus
from tests.isolation.framework import Case

ORDER = 40


def seed(ctx) -> dict:
    with ctx.territory():
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "shared-org"))
        open_report = Report(content_type="organisations.organisation", object_id=organisation.id,
                             object_title=organisation.name, reporter_id=ctx.users["member"].id,
                             reason=ReportReason.SPAM, details=f"Spam {ctx.marker}")
        handled = Report(content_type="organisations.organisation", object_id=organisation.id,
                         object_title=organisation.name, reporter_id=ctx.users["owner"].id,
                         reason=ReportReason.OTHER, details=f"Other {ctx.marker}", status=ReportStatus.HIDDEN,
                         decision=f"Hidden {ctx.marker}", handled_by_id=ctx.users["moderator"].id)
        db.session.add_all([open_report, handled])
        db.session.commit()
        return {"report_id": open_report.id, "handled_report_id": handled.id,
                "reported_organisation_id": organisation.id}


DECISION = {"reason": "Decided by the isolation suite"}

CASES = {
    "reports.queue": Case(),
    "reports.new": Case(values=lambda v: {"content_type": "organisations.organisation",
                                          "object_id": v["reported_organisation_id"]},
                        form={"reason": "spam", "details": "Reported by the isolation suite"}),
    "reports.show": Case(values=lambda v: {"report_id": v["report_id"]}),
    "reports.hide": Case(values=lambda v: {"report_id": v["report_id"]}, form=DECISION),
    "reports.dismiss": Case(values=lambda v: {"report_id": v["report_id"]}, form=DECISION),
    "reports.restore": Case(values=lambda v: {"report_id": v["handled_report_id"]}, form=DECISION),
}
