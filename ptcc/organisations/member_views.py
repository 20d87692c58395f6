"""Pages about who belongs to an organisation: members, join requests, invitations."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_url

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import memberships, services
from ptcc.i18n import formatted_date
from ptcc.organisations.forms import InvitationForm, MembershipForm
from ptcc.organisations.labels import role_label
from ptcc.organisations.views import render
from ptcc.web.forms import attach_error


def _membership_forms(overview) -> dict:
    """One form per member row, prefixed so that every field id on the page is unique."""
    return {m.id: MembershipForm(prefix=f"m{m.id}", data={"role": m.role.value, "may_sign": m.may_sign},
                                 formdata=None)
            for m in overview.active}


def _members_page(organisation, status: int = 200, invite_form=None, row_forms: dict | None = None):
    overview = memberships.members_overview(current_user, organisation)
    forms = _membership_forms(overview) if overview.can_manage else {}
    forms.update(row_forms or {})
    return render("organisations/members.html", status, organisation=organisation, overview=overview,
                  invite_form=invite_form or InvitationForm(formdata=None), row_forms=forms,
                  own_membership=services.membership_of(current_user, organisation))


def _back(slug: str):
    return redirect(url_for("organisations.members", slug=slug))


def _confirm(organisation, title: str, message: str, confirm_label: str, cancel_url: str, details=(),
             danger: bool = True, members_crumb: bool = True):
    """The confirmation page (GET) of a button whose POST goes to this same address."""
    crumbs = [(_("Directory of organisations"), url_for("organisations.directory")),
              (organisation.name, url_for("organisations.show", slug=organisation.slug))]
    if members_crumb:
        crumbs.append((_("Members of %(name)s", name=organisation.name),
                       url_for("organisations.members", slug=organisation.slug)))
    return render("confirm.html", title=title, message=message, action=url_for(request.endpoint, **request.view_args), confirm_label=confirm_label,
                  cancel_url=cancel_url, details=list(details), danger=danger, crumbs=crumbs)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _refused_on_get(check, *args) -> str | None:
    """Run a service's check for a confirmation page: the refusal its POST would flash, if any."""
    try:
        check(current_user, *args)
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        return exc.message
    return None


@login_required
def members(slug: str):
    organisation = services.get_organisation(current_user, slug)
    return _members_page(organisation)


@login_required
def invite(slug: str):
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            memberships.invite(current_user, organisation, form.email.data, form.role.data, form.may_sign.data)
        except (PermissionDenied, NotFound):
            raise
        except ServiceError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            email = form.email.data.strip().lower()
            db.session.commit()
            flash(_("An invitation was sent to %(email)s.", email=email), "success")
            return _back(slug)
    return _members_page(organisation, 400, invite_form=form)


@login_required
def cancel_invitation(slug: str, invitation_id: int):
    """GET: the confirmation page; POST: cancel the invitation (its link stops working)."""
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    invitation = memberships.get_invitation(organisation, invitation_id)
    email = invitation.email
    if request.method == "GET":
        memberships.check_cancel_invitation(current_user, invitation)
        return _confirm(
            organisation, _("Cancel the invitation sent to %(email)s?", email=email),
            _("The link sent to %(email)s will no longer work; they are not told by e-mail. You may invite "
              "them again at any time.", email=email),
            _("Yes, cancel the invitation"), url_for("organisations.members", slug=slug),
            details=[(_("E-mail"), email), (_("Role"), role_label(invitation.role)),
                     (_("May sign"), _yes_no(invitation.may_sign)),
                     (_("Sent on"), formatted_date(invitation.created_at))])
    memberships.cancel_invitation(current_user, invitation)
    db.session.commit()
    flash(_("The invitation sent to %(email)s was cancelled; its link no longer works.", email=email), "success")
    return _back(slug)


@login_required
def change_member(slug: str, membership_id: int):
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    membership = memberships.get_membership(organisation, membership_id)
    form = MembershipForm(prefix=f"m{membership.id}")
    if form.validate_on_submit():
        name = membership.user.display_name
        try:
            changed = memberships.change_membership(current_user, membership, form.role.data, form.may_sign.data)
        except (PermissionDenied, NotFound):
            raise
        except ServiceError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            flash(_("The role of %(name)s was saved.", name=name) if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return _back(slug)
    return _members_page(organisation, 400, row_forms={membership.id: form})


def _button(slug: str, action, *args, success: str):
    """A button's service: commit and come back, or show the refusal."""
    try:
        action(current_user, *args)
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(success, "success")


@login_required
def remove_member(slug: str, membership_id: int):
    """GET: the confirmation page; POST: remove the member."""
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    membership = memberships.get_membership(organisation, membership_id)
    if request.method == "GET":
        refusal = _refused_on_get(memberships.check_remove_member, membership)
        if refusal:
            flash(refusal, "error")
            return _back(slug)
        person = membership.user
        return _confirm(
            organisation, _("Remove %(name)s from %(organisation)s?", name=person.display_name,
                            organisation=organisation.name),
            _("%(name)s will no longer belong to %(organisation)s: they lose access to its members page and to "
              "what only its members see, and may no longer sign on its behalf. They are not told by e-mail. "
              "To come back, they will have to ask to join again or be invited.", name=person.display_name,
              organisation=organisation.name),
            _("Remove %(name)s", name=person.display_name), url_for("organisations.members", slug=slug),
            details=[(_("Name"), person.display_name), (_("E-mail"), person.email),
                     (_("Role"), role_label(membership.role)), (_("May sign"), _yes_no(membership.may_sign)),
                     (_("Member since"), formatted_date(membership.created_at))])
    _button(slug, memberships.remove_member, membership,
            success=_("%(name)s no longer belongs to %(organisation)s.", name=membership.user.display_name,
                      organisation=organisation.name))
    return _back(slug)


@login_required
def answer_request(slug: str, membership_id: int):
    organisation = services.get_organisation(current_user, slug)
    services.require_owner(current_user, organisation)
    membership = memberships.get_membership(organisation, membership_id)
    decision = request.form.get("decision", "")
    if decision not in ("accept", "refuse"):
        flash(_("Choose to accept or to refuse the request."), "error")
        return _members_page(organisation, 400)
    name = membership.user.display_name
    _button(slug, memberships.answer_request, membership, decision == "accept",
            success=_("%(name)s is now a member.", name=name) if decision == "accept"
            else _("The request of %(name)s was refused; they were told.", name=name))
    return _back(slug)


@login_required
def join(slug: str):
    organisation = services.get_organisation(current_user, slug)
    _button(slug, memberships.request_membership, organisation,
            success=_("Your request was sent to the owners of %(name)s.", name=organisation.name))
    return redirect(url_for("organisations.show", slug=slug))


def _confirm_leave(organisation, membership):
    name, back = organisation.name, url_for("organisations.show", slug=organisation.slug)
    if not membership.is_active:
        return _confirm(organisation, _("Withdraw your request to join %(name)s?", name=name),
                        _("Its owners will no longer see your request. You may ask to join again later."),
                        _("Withdraw my request"), back, danger=False, members_crumb=False)
    message = [_("You will no longer belong to %(name)s: you lose access to its members page and to what only "
                 "its members see, and you may no longer sign on its behalf. To come back, you will have to ask "
                 "its owners again or be invited.", name=name)]
    if membership.is_owner:
        message.append(_("You also stop being one of its owners: the others go on managing it. An organisation "
                         "always keeps an owner, so its last owner cannot leave."))
    if not organisation.is_approved:
        message.append(_("While the organisation is not approved, only its members see its page: you will no "
                         "longer see it."))
    return _confirm(organisation, _("Leave %(name)s?", name=name), " ".join(message),
                    _("Leave the organisation"), back, members_crumb=False,
                    details=[(_("Role"), role_label(membership.role)), (_("May sign"), _yes_no(membership.may_sign))])


@login_required
def leave(slug: str):
    """GET: the confirmation page (or why one may not leave); POST: leave, or withdraw one's request."""
    organisation = services.get_organisation(current_user, slug)
    if request.method == "GET":
        refusal = _refused_on_get(memberships.check_leave, organisation)
        if refusal:
            flash(refusal, "error")
            return redirect(url_for("organisations.show", slug=slug))
        return _confirm_leave(organisation, services.membership_of(current_user, organisation))
    _button(slug, memberships.leave, organisation,
            success=_("You no longer belong to %(name)s.", name=organisation.name))
    return redirect(url_for("organisations.show", slug=slug) if organisation.is_approved
                    else url_for("organisations.mine"))


def invitation(token: str):
    """The page an invitation e-mail links to; accepting is a POST by the invited account."""
    try:
        found = memberships.read_invitation(token)
    except memberships.InvalidInvitation as exc:
        return render("organisations/invitation.html", 404, invitation=None, problem=exc.message, token=token)
    if not current_user.is_authenticated:
        login = login_url("accounts.login", next_url=request.url)
        if request.method == "POST":
            return redirect(login)
        return render("organisations/invitation.html", invitation=found, problem=None, token=token, login=login)
    problem, status = None, 200
    if request.method == "POST":
        organisation = found.organisation
        try:
            memberships.accept_invitation(current_user, found)
        except ServiceError as exc:
            db.session.rollback()
            problem, status = exc.message, 403 if isinstance(exc, PermissionDenied) else 400
        else:
            slug, name = organisation.slug, organisation.name
            db.session.commit()
            flash(_("Welcome to %(name)s!", name=name), "success")
            return redirect(url_for("organisations.show", slug=slug))
    elif current_user.email.lower() != found.email:
        problem = _("This invitation was sent to %(email)s, but you are signed in as %(current)s. Sign in with "
                    "the invited address to accept it.", email=found.email, current=current_user.email)
    return render("organisations/invitation.html", status, invitation=found, problem=problem, token=token)
