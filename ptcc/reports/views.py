"""Report pages. Services decide; views validate forms, commit and answer."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.reports import services
from ptcc.reports.forms import DecisionForm, ReportForm
from ptcc.web.forms import page_number, service_transaction

HELPERS = {
    "reason_label": services.reason_label,
    "status_label": services.status_label,
    "type_label": services.type_label,
}


def render(template: str, status: int = 200, **context):
    return render_template(template, **HELPERS, **context), status


@login_required
def new(content_type: str, object_id: int):
    reportable, content = services.content_for(current_user, content_type, object_id)
    back = reportable.url(content)
    already = services.open_report_of(current_user, reportable.name, object_id)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.report(current_user, reportable.name, object_id, form.reason.data, form.details.data)
        if outcome.refused:
            status = 400
        else:
            flash(_("Thank you: the moderators will look at your report and tell you what they decide."),
                  "success")
            return redirect(back)
    elif form.is_submitted():
        status = 400
    return render("reports/new.html", status, form=form, reportable=reportable, title=reportable.title(content),
                  content_type=reportable.name, object_id=object_id, back=back, already=already)


@login_required
def queue():
    handled = request.args.get("status") == "handled"
    page = services.queue(current_user, handled=handled, page=page_number())
    return render("reports/queue.html", page=page, handled=handled)


def _report_page(report_id: int):
    entry = services.get_report(current_user, report_id)
    reportable, content = services.content_of(entry)
    return entry, reportable, content


@login_required
def show(report_id: int):
    entry, reportable, content = _report_page(report_id)
    return render("reports/show.html", report=entry, reportable=reportable, content=content,
                  others=services.other_reports(entry))


def _decide(report_id: int, action: str):
    require_role(current_user, Role.MODERATOR)
    entry, reportable, content = _report_page(report_id)
    form = DecisionForm()
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            if action == "hide":
                services.hide_content(current_user, entry, form.reason.data)
            elif action == "dismiss":
                services.dismiss(current_user, entry, form.reason.data)
            else:
                services.restore_content(current_user, entry, form.reason.data)
        if outcome.refused:
            status = 400
        else:
            flash({"hide": _("The content is hidden; the people concerned were told why."),
                   "dismiss": _("The report is dismissed; its author was told why."),
                   "restore": _("The content is visible again.")}[action], "success")
            return redirect(url_for("reports.show", report_id=entry.id))
    elif form.is_submitted():
        status = 400
    return render("reports/decide.html", status, form=form, action=action, report=entry, reportable=reportable,
                  content=content)


@login_required
def hide(report_id: int):
    return _decide(report_id, "hide")


@login_required
def dismiss(report_id: int):
    return _decide(report_id, "dismiss")


@login_required
def restore(report_id: int):
    return _decide(report_id, "restore")
