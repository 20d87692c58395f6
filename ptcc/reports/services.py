"""Reports of content: sent by signed-in people, decided by the moderators.

Functions check who may act first, then change things and flush; the view commits. Every
step is written to the audit log, and the reporter is told the outcome by e-mail.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ptcc.accounts.models import Role, User
from ptcc.accounts.permissions import has_role, require_role, require_signed_in
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import NotFound, ServiceError
from ptcc.extensions import db
from ptcc.outbox.services import queue_templated_email
from ptcc.plugins.types import ReportableType
from ptcc.reports.models import Report, ReportReason, ReportStatus

MAX_DETAILS = 2000
MAX_DECISION = 2000

REASON_LABELS = {
    ReportReason.SPAM: _l("Spam or advertising"),
    ReportReason.ABUSIVE: _l("Abusive, hateful or harassing"),
    ReportReason.ILLEGAL: _l("Illegal content"),
    ReportReason.PERSONAL_DATA: _l("Someone's personal data published"),
    ReportReason.MISLEADING: _l("False or misleading information"),
    ReportReason.OTHER: _l("Something else"),
}

STATUS_LABELS = {
    ReportStatus.OPEN: _l("Open"),
    ReportStatus.HIDDEN: _l("Content hidden"),
    ReportStatus.DISMISSED: _l("Dismissed"),
}


def reason_label(reason) -> str:
    try:
        return str(REASON_LABELS[ReportReason(reason)])
    except ValueError:
        return str(reason)


def status_label(status) -> str:
    return str(STATUS_LABELS[ReportStatus(status)])


# --- the types of content --------------------------------------------------------------


def reportable_types() -> dict[str, ReportableType]:
    """Name -> ReportableType, for the plugins active in the current territory."""
    from ptcc.plugins.manager import plugin_manager

    found: dict[str, ReportableType] = {}
    for contributed in plugin_manager().hook("ptcc_reportable_types")():
        for reportable in contributed or []:
            found[reportable.name] = reportable
    return found


def type_label(name: str) -> str:
    reportable = reportable_types().get(name)
    return str(reportable.label) if reportable else name


def content_for(actor, type_name: str, object_id: int):
    """(type, object) that ``actor`` may report; NotFound for what does not exist or they cannot see."""
    require_signed_in(actor)
    reportable = reportable_types().get(type_name or "")
    content = reportable.load(object_id) if reportable is not None else None
    if content is None or not reportable.may_report(content, actor):
        raise NotFound(_("This content does not exist here."))
    return reportable, content


def content_of(report: Report):
    """(type, object) a report is about; either is None once the plugin is off or the object gone."""
    reportable = reportable_types().get(report.content_type)
    if reportable is None:
        return None, None
    return reportable, reportable.load(report.object_id)


# --- reporting ---------------------------------------------------------------------------


def open_report_of(actor, type_name: str, object_id: int) -> Report | None:
    return db.session.scalar(sa.select(Report).where(
        Report.reporter_id == actor.id, Report.content_type == type_name, Report.object_id == object_id,
        Report.status == ReportStatus.OPEN))


def report(actor, type_name: str, object_id: int, reason: str, details: str = "") -> Report:
    """Report the content to the moderators; one open report per person and content."""
    reportable, content = content_for(actor, type_name, object_id)
    try:
        reason = ReportReason(reason)
    except ValueError:
        raise ServiceError(_("Choose a reason."), field="reason") from None
    details = (details or "").strip()
    if len(details) > MAX_DETAILS:
        raise ServiceError(_("At most %(n)d characters.", n=MAX_DETAILS), field="details")
    if reason == ReportReason.OTHER and not details:
        raise ServiceError(_("Say in a few words what the problem is."), field="details")
    if open_report_of(actor, reportable.name, object_id) is not None:
        raise ServiceError(_("You have already reported this and the moderators have not decided yet. "
                             "Thank you for your patience."))
    limit = current_app.config["PTCC_REPORTS_PER_HOUR"]
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
        Report.reporter_id == actor.id, Report.created_at >= utcnow() - timedelta(hours=1)))
    if recent >= limit:
        raise ServiceError(_("You have sent many reports in the last hour: please wait a little before "
                             "sending another one."))
    entry = Report(content_type=reportable.name, object_id=object_id,
                   object_title=(reportable.title(content) or "")[:300], reporter_id=actor.id,
                   reason=reason, details=details, status=ReportStatus.OPEN)
    db.session.add(entry)
    db.session.flush()
    record(actor, "report.created", target=entry, content=f"{reportable.name}:{object_id}",
           title=entry.object_title, reason=reason.value)
    return entry


# --- the moderators' queue ----------------------------------------------------------------


def open_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                             .where(Report.status == ReportStatus.OPEN))


def queue(actor, *, handled: bool = False, page: int = 1, per_page: int | None = None):
    """A page of open reports (oldest first) or of handled ones (latest decision first)."""
    require_role(actor, Role.MODERATOR)
    query = sa.select(Report)
    if handled:
        query = query.where(Report.status != ReportStatus.OPEN).order_by(Report.handled_at.desc(),
                                                                         Report.id.desc())
    else:
        query = query.where(Report.status == ReportStatus.OPEN).order_by(Report.created_at, Report.id)
    return db.paginate(query, page=max(page, 1), per_page=per_page or current_app.config["PTCC_PER_PAGE"],
                       error_out=False)


def get_report(actor, report_id: int) -> Report:
    require_role(actor, Role.MODERATOR)
    entry = db.session.get(Report, report_id)
    if entry is None:
        raise NotFound(_("This report does not exist here."))
    return entry


def other_reports(entry: Report) -> list[Report]:
    """The other reports about the same content, latest first."""
    return list(db.session.scalars(sa.select(Report).where(
        Report.content_type == entry.content_type, Report.object_id == entry.object_id, Report.id != entry.id)
        .order_by(Report.created_at.desc(), Report.id.desc())))


def _clean_decision(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason: it is told to the people concerned."), field="reason")
    if len(reason) > MAX_DECISION:
        raise ServiceError(_("At most %(n)d characters.", n=MAX_DECISION), field="reason")
    return reason


def _take_open(actor, entry: Report) -> Report:
    """The report, locked and read again: two moderators deciding at once, only one decides."""
    require_role(actor, Role.MODERATOR)
    entry = db.session.scalars(sa.select(Report).where(Report.id == entry.id).with_for_update()
                               .execution_options(populate_existing=True)).one()
    if not entry.is_open:
        raise ServiceError(_("This report was already handled."))
    return entry


def _close(actor, entries, status: ReportStatus, decision: str) -> None:
    now = utcnow()
    for entry in entries:
        entry.status, entry.handled_by_id, entry.handled_at, entry.decision = status, actor.id, now, decision
    db.session.flush()
    for entry in entries:
        _tell_reporter(entry)


def hide_content(actor, entry: Report, reason: str) -> list[Report]:
    """Hide the reported content with a reason; every open report about it is closed with it."""
    entry = _take_open(actor, entry)
    reason = _clean_decision(reason)
    reportable, content = content_of(entry)
    if content is None:
        raise ServiceError(_("This content no longer exists: dismiss the report instead."))
    reportable.hide(content, reason)
    closed = [entry] + [other for other in other_reports(entry) if other.is_open]
    _close(actor, closed, ReportStatus.HIDDEN, reason)
    record(actor, "report.content_hidden", target=entry, content=f"{entry.content_type}:{entry.object_id}",
           title=entry.object_title, decision=reason, reports=len(closed))
    for owner in reportable.owners(content):
        queue_templated_email(owner.email, "reports/email/content_hidden", owner.locale, person=owner,
                              report=entry, kind=type_label(entry.content_type), reason=reason,
                              title=_printable(entry.object_title))
    return closed


def dismiss(actor, entry: Report, reason: str) -> Report:
    """Close the report without acting on the content."""
    entry = _take_open(actor, entry)
    reason = _clean_decision(reason)
    _close(actor, [entry], ReportStatus.DISMISSED, reason)
    record(actor, "report.dismissed", target=entry, content=f"{entry.content_type}:{entry.object_id}",
           title=entry.object_title, decision=reason)
    return entry


def restore_content(actor, entry: Report, reason: str) -> None:
    """Show again content hidden after this report (the report keeps its outcome)."""
    require_role(actor, Role.MODERATOR)
    reason = _clean_decision(reason)
    reportable, content = content_of(entry)
    if entry.status != ReportStatus.HIDDEN or content is None or not reportable.is_hidden(content):
        raise ServiceError(_("This content is not hidden."))
    reportable.unhide(content)
    record(actor, "report.content_restored", target=entry, content=f"{entry.content_type}:{entry.object_id}",
           title=entry.object_title, decision=reason)


def _printable(text: str) -> str:
    """A title fit for a subject line (the outbox refuses what is not printable, such as U+00A0)."""
    return "".join(ch if ch.isprintable() else " " for ch in text or "")


def _tell_reporter(entry: Report) -> None:
    reporter = db.session.get(User, entry.reporter_id) if entry.reporter_id else None
    if reporter is None or reporter.is_deactivated:
        return
    queue_templated_email(reporter.email, "reports/email/outcome", reporter.locale, person=reporter,
                          report=entry, kind=type_label(entry.content_type),
                          title=_printable(entry.object_title), hidden=entry.status == ReportStatus.HIDDEN)


# --- personal data -------------------------------------------------------------------------


def personal_data(user) -> dict:
    rows = db.session.scalars(sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    return {"reports": [{"content": f"{r.content_type}:{r.object_id}", "title": r.object_title,
                         "reason": r.reason.value, "details": r.details, "status": r.status.value,
                         "reported_at": r.created_at.isoformat()} for r in rows]}


def forget_user(user) -> None:
    """The reports stay for the moderators, without their author (the foreign keys would do it too)."""
    db.session.execute(sa.update(Report).where(Report.reporter_id == user.id).values(reporter_id=None))
    db.session.execute(sa.update(Report).where(Report.handled_by_id == user.id).values(handled_by_id=None))
    db.session.flush()


def may_moderate(user) -> bool:
    return has_role(user, Role.MODERATOR)
