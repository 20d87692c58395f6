"""The four public legal pages and their administration."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ptcc.accounts.forms import EmptyForm
from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.extensions import db
from ptcc.legal import services
from ptcc.legal.forms import DETAIL_SECTIONS, DetailsForm, PageForm
from ptcc.legal.models import PageKind
from ptcc.web.forms import service_transaction
from ptcc.web.markdown import render_markdown


def show(kind: str):
    return render_template("legal/page.html", page=services.legal_page(kind))


def notice():
    return show(PageKind.NOTICE)


def privacy():
    return show(PageKind.PRIVACY)


def terms():
    return show(PageKind.TERMS)


def accessibility():
    return show(PageKind.ACCESSIBILITY)


@login_required
def admin():
    require_role(current_user, Role.ADMIN)
    return render_template("legal/admin.html", pages=[services.legal_page(kind) for kind in PageKind])


@login_required
def details():
    form = DetailsForm(data=services.current_details(current_user))
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            changed = services.update_details(current_user, **{name: form[name].data
                                                                for _legend, names in DETAIL_SECTIONS
                                                                for name in names})
        if outcome.refused:
            status = 400
        else:
            flash(_("The legal details were saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("legal.admin"))
    elif form.is_submitted():
        status = 400
    return render_template("legal/details.html", form=form, sections=DETAIL_SECTIONS), status


@login_required
def edit(kind: str):
    require_role(current_user, Role.ADMIN)
    kind = services.page_kind(kind)
    page = services.legal_page(kind)
    form = PageForm(data={"body": page.markdown})
    status = 200
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            preview = render_markdown(form.body.data)
        else:
            with service_transaction(form) as outcome:
                services.save_page(current_user, kind, form.body.data)
            if outcome.refused:
                status = 400
            else:
                flash(_("The page “%(title)s” was saved.", title=page.title), "success")
                return redirect(url_for("legal.admin"))
    elif form.is_submitted():
        status = 400
    return render_template("legal/edit.html", form=form, page=page, preview=preview), status


@login_required
def restore(kind: str):
    """GET: what restoring the default means; POST: do it."""
    require_role(current_user, Role.ADMIN)
    kind = services.page_kind(kind)
    page = services.legal_page(kind)
    form = EmptyForm()
    if form.validate_on_submit():
        restored = services.restore_default(current_user, kind)
        db.session.commit()
        if restored:
            flash(_("The page “%(title)s” shows its default text again.", title=page.title), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for("legal.admin"))
    status = 400 if form.is_submitted() else 200
    return render_template("legal/restore.html", form=form, page=page), status
