"""Mission pages. Views read the form, call a service, commit, and say what happened."""

from __future__ import annotations

from flask import Response as HTTPResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.web.datasets import kept_dataset
from ptcc.web.forms import attach_error, page_number, service_transaction
from ptcc.web.urls import canonical_host, external_url
from ptcc_volunteering import exports, queries, services
from ptcc_volunteering.forms import AnswerForm, ConfirmForm, EditMissionForm, FilterForm, MissionForm
from ptcc_volunteering.i18n import _
from ptcc_volunteering.models import ResponseStatus
from ptcc_volunteering.tokens import calendar_token, user_from_calendar_token


def read_filters(args) -> tuple[FilterForm, dict, bool]:
    """The filter form, the filters to apply, and whether the form was valid."""
    form = FilterForm(args)
    form.fill_choices(queries.filter_choices(), _("All"))
    for select in (form.commune, form.skill, form.organisation):
        if select.data and select.data not in {value for value, _label in select.choices}:
            select.choices.append((select.data, select.data))
    valid = form.validate()
    data = form.valid_data()
    filters = {name: data[name] or "" for name in ("commune", "skill", "organisation", "organisation_name")}
    filters["on_date"] = data["date"]
    return form, filters, valid


def index():
    form, filters, valid = read_filters(request.args)
    page = queries.page_of_missions(page=page_number(), **filters)
    filtered = any(filters.values()) or bool(form.date.raw_data and form.date.raw_data[0])
    return render_template("volunteering/index.html", form=form, page=page, filtered=filtered,
                           can_post=bool(services.postable_organisations(current_user))), (200 if valid else 400)


def _mission_page(mission, answer_form=None, status: int = 200):
    response = services.own_response(current_user, mission)
    is_manager = services.is_manager(current_user, mission.organisation)
    # A form is made only for whoever sees it: making one puts a CSRF token in the session,
    # and a visitor's page with a token of theirs cannot be kept for others (ptcc.web.page_cache).
    if answer_form is None and current_user.is_authenticated:
        answer_form = AnswerForm()
    return render_template(
        "volunteering/show.html", mission=mission, own_response=response,
        answer_form=answer_form, confirm_form=ConfirmForm() if is_manager else None,
        is_manager=is_manager, json_ld=exports.json_ld(mission), ResponseStatus=ResponseStatus,
    ), status


def show(mission_id: int):
    return _mission_page(services.get_mission(mission_id, current_user))


@login_required
def create():
    organisations = services.postable_organisations(current_user)
    if not organisations:
        return render_template("volunteering/no_organisation.html"), 403
    form = MissionForm()
    form.organisation.choices = [(o.id, o.name) for o in organisations]
    if request.method == "GET":
        wanted = request.args.get("organisation", "")
        form.organisation.data = next((o.id for o in organisations if o.slug == wanted), organisations[0].id)
    status = 200
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        with service_transaction(form) as outcome:
            mission = services.create_mission(current_user, organisation, **form.mission_values())
        if outcome.refused:
            status = 400
        else:
            flash(_("The mission is published."), "success")
            return redirect(url_for("volunteering.show", mission_id=mission.id))
    elif form.is_submitted():
        status = 400
    return render_template("volunteering/form.html", form=form, mission=None), status


@login_required
def edit(mission_id: int):
    mission = services.get_mission(mission_id, current_user)
    services.require_manager(current_user, mission.organisation)
    form = EditMissionForm(obj=mission)
    if request.method == "GET":
        form.skills.data = ", ".join(mission.skill_labels)
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.update_mission(current_user, mission, **form.mission_values())
        if outcome.refused:
            status = 400
        else:
            flash(_("The mission is updated."), "success")
            return redirect(url_for("volunteering.show", mission_id=mission.id))
    elif form.is_submitted():
        status = 400
    return render_template("volunteering/form.html", form=form, mission=mission), status


def _confirmed_post(action, mission_id: int, success: str):
    mission = services.get_mission(mission_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(current_user, mission)
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("volunteering.show", mission_id=mission.id))


@login_required
def close(mission_id: int):
    return _confirmed_post(services.close_mission, mission_id, _("The mission is closed: it no longer takes volunteers."))


@login_required
def reopen(mission_id: int):
    return _confirmed_post(services.reopen_mission, mission_id, _("The mission is open again."))


@login_required
def answer(mission_id: int):
    mission = services.get_mission(mission_id, current_user)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _mission_page(mission, form, 400)
    try:
        services.answer(current_user, mission, form.message.data or "")
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _mission_page(mission, form, 400 if exc.field else 409)
    db.session.commit()
    flash(_("Thank you! %(organisation)s has been told and will answer you by e-mail.",
            organisation=mission.organisation.name), "success")
    return redirect(url_for("volunteering.show", mission_id=mission.id))


@login_required
def responses(mission_id: int):
    mission = services.get_mission(mission_id, current_user)
    services.require_manager(current_user, mission.organisation)
    return render_template("volunteering/responses.html", mission=mission, grouped=queries.responses_of(mission),
                           confirm_form=ConfirmForm(), ResponseStatus=ResponseStatus)


def _decision(response_id: int, action, template: str | None, success: str, back):
    """Accept (one click), decline or withdraw (each after a confirmation page)."""
    answer_ = services.get_response(response_id)
    services.get_mission(answer_.mission_id, current_user)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            action(current_user, answer_)
        except (PermissionDenied, NotFound):
            raise
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(success, "success")
        return redirect(back(answer_))
    if request.method == "POST" or template is None:
        abort(400)
    return render_template(template, response=answer_, mission=answer_.mission, form=form)


def _to_responses(response):
    return url_for("volunteering.responses", mission_id=response.mission_id)


@login_required
def accept(response_id: int):
    return _decision(response_id, services.accept, None, _("The volunteer is accepted and has been told."),
                     _to_responses)


@login_required
def decline(response_id: int):
    answer_ = services.get_response(response_id)
    services.require_manager(current_user, services.get_mission(answer_.mission_id, current_user).organisation)
    return _decision(response_id, services.decline, "volunteering/confirm_decline.html",
                     _("The answer is declined and the person has been told."), _to_responses)


@login_required
def withdraw(response_id: int):
    answer_ = services.get_response(response_id)
    if answer_.user_id != current_user.id:
        raise PermissionDenied(_("Only the person who answered may withdraw."))
    return _decision(response_id, services.withdraw, "volunteering/confirm_withdraw.html",
                     _("Your answer is withdrawn; the organisation has been told."),
                     lambda r: url_for("volunteering.commitments"))


@login_required
def commitments():
    return render_template("volunteering/commitments.html", responses=queries.commitments(current_user),
                           calendar_url=external_url("volunteering.commitments_calendar",
                                                     token=calendar_token(current_user)),
                           ResponseStatus=ResponseStatus)


@login_required
def manage():
    organisations = services.postable_organisations(current_user)
    return render_template("volunteering/manage.html", organisations=organisations,
                           missions=queries.managed_missions(organisations), ResponseStatus=ResponseStatus)


# --- downloads: calendars and open data -------------------------------------------------


def _download(body, mimetype: str, filename: str) -> HTTPResponse:
    response = HTTPResponse(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def commitments_calendar(token: str):
    """The volunteer's answers as a calendar; the signed token in the address is the key."""
    user = user_from_calendar_token(token)
    if user is None:
        abort(404)
    body = exports.commitments_calendar(_("My volunteer missions"), queries.commitments(user), canonical_host())
    response = _download(body, "text/calendar", "missions.ics")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def organisation_calendar(slug: str):
    organisation = queries.find_organisation(slug)
    if organisation is None:
        abort(404)
    body = exports.organisation_calendar(organisation, queries.organisation_missions(organisation),
                                          canonical_host())
    return _download(body, "text/calendar", f"missions-{organisation.slug}.ics")


def open_data_csv():
    return kept_dataset("missions.csv", "text/csv",
                        lambda: exports.missions_csv(exports.dataset_records(*queries.dataset_rows())),
                        download_name="missions-benevoles.csv")


def open_data_json():
    return kept_dataset("missions.json", "application/json",
                        lambda: exports.missions_json(exports.dataset_records(*queries.dataset_rows()),
                                                      "Licence Ouverte / Open Licence 2.0"))
