"""Account pages. Services decide; views validate forms, commit and answer."""

from __future__ import annotations

import json
from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ptcc.accounts import services
from ptcc.accounts.forms import (
    DeleteAccountForm,
    EmptyForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    ResetRequestForm,
    SignupForm,
)
from ptcc.errors import ServiceError
from ptcc.extensions import db, limiter
from ptcc.i18n import LANGUAGE_NAMES, offered_locales
from ptcc.tenancy.keys import tenant_scoped_ip
from ptcc.tenancy.context import current_slug_or_platform
from ptcc.tenancy.engines import writes_on_get
from ptcc.web.forms import service_transaction
from ptcc.web.redirects import safe_next


def _account_key() -> str:
    """Per account *and* client address: a stranger who tries an address from elsewhere uses up
    their own attempts, never those of the owner (see the README's sign-in limits)."""
    email = services.normalise_email(request.form.get("email", ""))
    return f"{current_slug_or_platform()}|account|{email}|{request.remote_addr or '-'}"


def _ip_limit() -> str:
    return current_app.config["PTCC_LOGIN_LIMIT_PER_IP"]


def _account_limit() -> str:
    return current_app.config["PTCC_LOGIN_LIMIT_PER_ACCOUNT"]


@limiter.limit(_ip_limit, key_func=tenant_scoped_ip, methods=["POST"])
def signup():
    from ptcc.legal.services import terms_version

    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.sign_up(form.email.data, form.display_name.data, form.password.data,
                             locale=str(request.accept_languages.best_match(offered_locales()) or ""),
                             terms_version=terms_version() if form.accept_terms.data else "")
        if outcome.refused:
            status = 400
        else:
            return render_template("accounts/check_mail.html", email=services.normalise_email(form.email.data))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/signup.html", form=form), status


@writes_on_get
def verify(token: str):
    try:
        user = services.verify_email(token)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("accounts.login"))
    db.session.commit()
    flash(_("Thank you, your e-mail address is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@login_required
@limiter.limit(_account_limit, key_func=tenant_scoped_ip, methods=["POST"])
def resend_verification():
    if EmptyForm().validate_on_submit() and not current_user.is_verified:
        services.queue_verification(current_user)
        db.session.commit()
        flash(_("A new confirmation link was sent to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.profile"))


@limiter.limit(_ip_limit, key_func=tenant_scoped_ip, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("accounts/login.html", form=form), 403
        if user is None:
            db.session.rollback()
            flash(_("The e-mail address or the password is not correct."), "error")
            status = 400
        else:
            db.session.commit()
            locale = session.get("locale")
            session.clear()  # a fresh session at sign-in: nothing planted before survives
            if locale:
                session["locale"] = locale
            login_user(user)
            if not user.is_verified:
                flash(_("Please confirm your e-mail address: the link is in the message we sent you."), "info")
            return redirect(safe_next(form.next.data))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
    return redirect(url_for("web.index"))


@limiter.limit(_ip_limit, key_func=tenant_scoped_ip, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    status = 200
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=services.normalise_email(form.email.data),
                               reset=True)
    elif form.is_submitted():
        status = 400
    return render_template("accounts/reset_request.html", form=form), status


def _new_password_page(purpose: str, token: str, endpoint: str):
    try:
        user = services.user_for_password_token(purpose, token)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.reset_request"))
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.set_new_password(user, form.password.data)
        if outcome.refused:
            status = 400
        else:
            logout_user()
            flash(_("Your password is saved. You can sign in with it now."), "success")
            return redirect(url_for("accounts.login"))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/new_password.html", form=form, endpoint=endpoint, token=token,
                           first=purpose == "set_password"), status


def reset_password(token: str):
    return _new_password_page("reset", token, "accounts.reset_password")


def set_password(token: str):
    return _new_password_page("set_password", token, "accounts.set_password")


@login_required
def profile():
    offered = offered_locales()
    form = ProfileForm(obj=current_user)
    form.locale.choices = [("", _("The territory's language, or my browser's"))] + [
        (code, LANGUAGE_NAMES.get(code, code)) for code in offered]
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.update_profile(current_user, form.display_name.data, form.locale.data or "", offered)
        if outcome.refused:
            status = 400
        else:
            session.pop("locale", None)
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/profile.html", form=form, resend_form=EmptyForm()), status


@login_required
def export():
    data = services.personal_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=ptcc-personal-data.json",
                             "Cache-Control": "no-store"})


@login_required
def delete():
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.delete_account(current_user, form.password.data)
        if outcome.refused:
            status = 400
        else:
            logout_user()
            session.clear()
            flash(_("Your account and your personal data were deleted."), "success")
            return redirect(url_for("web.index"))
    elif form.is_submitted():
        status = 400
    return render_template("accounts/delete.html", form=form), status
