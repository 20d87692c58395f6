"""Pages of organisations: directory, profile, creation and edition, moderation queue.

Members and invitations are in ``member_views``. Services raise; PermissionDenied
and NotFound become 403 and 404 pages, other refusals a message and a 400.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import has_role, require_role, require_verified
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import directory as directory_services
from ptcc.organisations import duplicates, moderation, services
from ptcc.organisations.forms import (
    ORGANISATION_SECTIONS,
    DirectoryFilterForm,
    OrganisationCommuneForm,
    OrganisationForm,
    RefusalForm,
)
from ptcc.organisations.labels import KIND_LABELS, TEMPLATE_HELPERS
from ptcc.organisations.models import OrganisationKind, OrganisationStatus, Topic
from ptcc.web.datasets import kept_dataset
from ptcc.web.forms import attach_error, page_number, service_transaction


def render(template: str, status: int = 200, **context):
    return render_template(template, **TEMPLATE_HELPERS, **context), status


# --- directory -----------------------------------------------------------------------


def directory():
    form = DirectoryFilterForm(request.args)
    topics = directory_services.topics_in_use()
    form.kind.choices = [("", _("All kinds"))] + [(k.value, str(KIND_LABELS[k])) for k in OrganisationKind]
    form.topic.choices = [("", _("All topics"))] + [(t.slug, t.name) for t in topics]
    form.commune.choices = [("", _("All communes"))] + [(c, c) for c in directory_services.communes()]
    status = 200 if form.validate() else 400
    valid = form.valid_data()
    filters = {name: valid[name] or "" for name in ("kind", "topic", "commune")}
    while True:  # each refused filter is named on the page, and the list drawn without it
        try:
            page = directory_services.directory_page(page=page_number(), **filters)
            break
        except ServiceError as exc:
            attach_error(form, exc)
            status = 400
            if not filters.get(exc.field):
                raise
            filters[exc.field] = ""
    return render("organisations/directory.html", status, form=form, page=page,
                  filtered=any(filters.values()), figures=directory_services.figures())


# --- one organisation ----------------------------------------------------------------


def show(slug: str):
    organisation = services.get_organisation(current_user, slug)
    membership = services.membership_of(current_user, organisation)
    return render("organisations/show.html", organisation=organisation, membership=membership,
                  is_moderator=has_role(current_user, Role.MODERATOR))


def _topic_choices():
    return [(topic.slug, topic.name) for topic in db.session.scalars(db.select(Topic).order_by(Topic.name))]


def _profile_values(form: OrganisationForm) -> dict:
    return {name: form[name].data for name in services.PROFILE_FIELDS}


def _profile_form(**kwargs) -> OrganisationForm:
    """The profile form; the commune is a select of the territory's communes once imported."""
    from ptcc.communes import services as communes

    if not communes.has_communes():
        form = OrganisationForm(**kwargs)
    else:
        form = OrganisationCommuneForm(**kwargs)
        form.commune.choices = [("", _("Choose a commune"))] + [(c.code, c.label) for c in communes.choices()]
    form.topics.choices = _topic_choices()
    return form


@login_required
def new():
    # Reserved to confirmed accounts: say so before the form is filled in.
    require_verified(current_user)
    form = _profile_form()
    status, hints = 200, []
    if form.validate_on_submit():
        if not form.not_duplicate.data:
            # Someone who is not a moderator is shown public organisations only.
            hints = duplicates.likely_duplicates(
                name=form.name.data, commune=form.commune.data, rna=form.rna.data or "",
                siren=form.siren.data or "", public_only=not has_role(current_user, Role.MODERATOR))
        # With likely duplicates, the form comes back with them and a box to tick to go on.
        if not hints:
            with service_transaction(form) as outcome:
                organisation = services.create_organisation(current_user, **_profile_values(form))
            if outcome.refused:
                status = 400
            else:
                slug, name = organisation.slug, organisation.name
                flash(_("%(name)s was created. Its request to join the territory now waits for the moderators; "
                        "you will receive an e-mail when they decide.", name=name), "success")
                return redirect(url_for("organisations.show", slug=slug))
    elif form.is_submitted():
        status = 400
    return render("organisations/form.html", status, form=form, sections=ORGANISATION_SECTIONS,
                  organisation=None, duplicates=hints)


@login_required
def edit(slug: str):
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    # On POST the submitted values replace these.
    form = _profile_form(data={
        **{name: getattr(organisation, name) for name in ("name", "description", "commune", "website",
                                                            "declared_members", "rna", "siren", "siret")},
        "kind": organisation.kind.value, "circle": organisation.circle.value,
        **({"commune": organisation.commune_code or ""} if organisation.commune_code else {}),
        "topics": [topic.slug for topic in organisation.topics]})
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            changed = services.update_organisation(current_user, organisation, **_profile_values(form))
        if outcome.refused:
            status = 400
        else:
            flash(_("The profile was saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("organisations.show", slug=slug))
    elif form.is_submitted():
        status = 400
    return render("organisations/form.html", status, form=form, sections=ORGANISATION_SECTIONS,
                  organisation=organisation)


@login_required
def mine():
    memberships = services.my_memberships(current_user)
    return render("organisations/mine.html", memberships=memberships)


# --- the moderators' queue -------------------------------------------------------------


@login_required
def queue():
    organisations = services.pending_requests(current_user)
    candidates = duplicates.Candidates()  # one query for the whole queue
    hints = {organisation.id: duplicates.duplicates_of(organisation, candidates) for organisation in organisations}
    suspended = moderation.suspended_organisations(current_user)
    return render("organisations/queue.html", organisations=organisations, hints=hints, suspended=suspended)


def _act(slug: str, action, success: str, target: str = "show", **kwargs):
    """Run a button's service, commit, and go back; a refusal is shown as a message."""
    organisation = services.get_organisation(current_user, slug)
    name = organisation.name
    try:
        action(current_user, organisation, **kwargs)
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(success % {"name": name}, "success")
    if target == "queue":
        return redirect(url_for("organisations.queue"))
    return redirect(url_for("organisations.show", slug=slug))


@login_required
def approve(slug: str):
    require_role(current_user, Role.MODERATOR)
    return _act(slug, services.approve, _("%(name)s is now a member of the territory; its owners were told."),
                target="queue")


@login_required
def refuse(slug: str):
    require_role(current_user, Role.MODERATOR)
    organisation = services.get_organisation(current_user, slug)
    form = RefusalForm()
    status = 200
    if organisation.status != OrganisationStatus.PENDING:
        flash(_("The request of %(name)s was already answered.", name=organisation.name), "info")
        return redirect(url_for("organisations.queue"))
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.refuse(current_user, organisation, form.reason.data)
        if outcome.refused:
            status = 400
        else:
            name = organisation.name
            flash(_("The request of %(name)s was refused; its owners were told why.", name=name), "success")
            return redirect(url_for("organisations.queue"))
    elif form.is_submitted():
        status = 400
    return render("organisations/refuse.html", status, form=form, organisation=organisation)


@login_required
def resubmit(slug: str):
    return _act(slug, services.resubmit, _("The request of %(name)s was sent to the moderators again."))


# --- the directory as open data ------------------------------------------------------


def open_data_csv():
    from ptcc.organisations import open_data

    return kept_dataset("organisations.csv", "text/csv", lambda: open_data.as_csv(open_data.records()),
                        download_name="organisations.csv")


def open_data_json():
    from ptcc.organisations import open_data

    return kept_dataset("organisations.json", "application/json",
                        lambda: open_data.as_json(open_data.records()))


def open_data_json_ld():
    from ptcc.organisations import open_data

    return kept_dataset("organisations.jsonld", "application/ld+json",
                        lambda: open_data.as_json_ld(open_data.records()))
