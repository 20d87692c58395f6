"""Pages of the moderators for organisations already in the territory: suspend, reinstate, merge.

Also the redirect of a merged organisation's addresses to the kept one.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations import duplicates, merging, moderation, services
from ptcc.organisations.forms import MergeForm, MergeTargetForm, SuspensionForm
from ptcc.organisations.models import Organisation, OrganisationStatus
from ptcc.organisations.views import render
from ptcc.web.forms import attach_error, service_transaction


def moved(exc: services.OrganisationMoved):
    """A merged organisation's page, or sub-page: the same page of the kept organisation.

    301 for reading (search engines and bookmarks follow it), 308 for a form sent to the old
    address (the browser sends it again, unchanged, to the new one).
    """
    values = {**(request.view_args or {}), "slug": exc.slug}
    url = url_for(request.endpoint, **values)
    if request.query_string:
        url += "?" + request.query_string.decode("utf-8", "replace")
    return redirect(url, 301 if request.method in ("GET", "HEAD") else 308)


# --- suspension ------------------------------------------------------------------------


@login_required
def suspend(slug: str):
    """GET: the confirmation page, asking for the reason; POST: suspend."""
    require_role(current_user, Role.MODERATOR)
    organisation = services.get_organisation(current_user, slug)
    if organisation.status != OrganisationStatus.APPROVED:
        flash(_("Only an organisation of the territory can be suspended; %(name)s is not one now.",
                name=organisation.name), "info")
        return redirect(url_for("organisations.show", slug=organisation.slug))
    form = SuspensionForm()
    status = 200
    if form.validate_on_submit():
        name = organisation.name
        with service_transaction(form) as outcome:
            moderation.suspend(current_user, organisation, form.reason.data)
        if not outcome.refused:
            flash(_("%(name)s is suspended: it no longer appears anywhere; its owners were told why.", name=name),
                  "success")
            return redirect(url_for("organisations.queue", _anchor="suspended-title"))
        status = 400
    elif form.is_submitted():
        status = 400
    return render("organisations/suspend.html", status, form=form, organisation=organisation)


@login_required
def reinstate(slug: str):
    require_role(current_user, Role.MODERATOR)
    organisation = services.get_organisation(current_user, slug)
    name = organisation.name
    try:
        moderation.reinstate(current_user, organisation)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s is reinstated: it appears in the directory again; its owners were told.", name=name),
              "success")
    return redirect(url_for("organisations.show", slug=slug))


# --- merge ------------------------------------------------------------------------------


def _merge_choices(merged: Organisation) -> list[tuple[str, str]]:
    """Likely duplicates first, then every other organisation that can be kept, by name."""
    hints = duplicates.duplicates_of(merged)
    first = [(d.slug, _("%(name)s (likely duplicate)", name=d.name)) for d in hints]
    hinted = {d.slug for d in hints}
    rest = db.session.execute(
        sa.select(Organisation.slug, Organisation.name)
        .where(Organisation.id != merged.id, Organisation.status != OrganisationStatus.MERGED)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)).all()
    return [("", _("Choose…"))] + first + [(slug, name) for slug, name in rest if slug not in hinted]


def _kept(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug[:80]))


@login_required
def merge(slug: str):
    """GET: choose the organisation to keep, then see what will move; POST: merge."""
    require_role(current_user, Role.MODERATOR)
    merged = services.get_organisation(current_user, slug)
    choose = MergeTargetForm(request.args)
    choose.into.choices = _merge_choices(merged)
    confirm = MergeForm()
    posted = request.method == "POST"
    wanted = (confirm.into.data if posted else choose.into.data) or ""
    kept = _kept(wanted)
    status, preview = 200, None
    if wanted and kept is None:
        choose.into.errors = [_("Choose the organisation to keep from the list.")]
        status = 400
    elif kept is not None:
        try:
            preview = merging.preview(current_user, kept, merged)
        except ServiceError as exc:
            attach_error(choose, exc)
            status = 400
    if posted:
        if preview is None or not confirm.validate_on_submit():
            status = 400
            if not choose.into.errors:
                choose.into.errors = [_("Choose the organisation to keep from the list.")]
        else:
            names = {"merged": merged.name, "kept": kept.name}
            kept_slug = kept.slug
            with service_transaction(confirm) as outcome:
                merging.merge(current_user, kept, merged)
            if not outcome.refused:
                flash(_("%(merged)s was merged into %(kept)s; its address now leads here.", **names), "success")
                return redirect(url_for("organisations.show", slug=kept_slug))
            status = 400
    if preview is not None:
        choose.into.data = kept.slug
        confirm.into.data = kept.slug
    return render("organisations/merge.html", status, choose=choose, confirm=confirm, organisation=merged,
                  preview=preview)
