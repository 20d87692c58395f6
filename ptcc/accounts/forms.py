"""Forms of the account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ptcc.accounts.services import MIN_PASSWORD_LENGTH
from ptcc.web.forms import Form

_password_help = _l("At least %(n)d characters. A sentence of several words is easy to remember and hard to guess.",
                    n=MIN_PASSWORD_LENGTH)


class SignupForm(Form):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)],
                               description=_l("Shown to the other members of the territory."))
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
                             description=_password_help)
    password_confirm = PasswordField(_l("Password again"),
                                     validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))])
    #: Its label links the terms and the privacy policy (accounts/signup.html).
    accept_terms = BooleanField(_l("I accept the terms of use and I have read the privacy policy."),
                                validators=[DataRequired(_l("Accept the terms of use to create an account."))])


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
                             description=_password_help)
    password_confirm = PasswordField(_l("New password again"),
                                     validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))])


class ProfileForm(Form):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), validate_choice=False,
                         description=_l("The language of the pages and of the e-mails you receive."))


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired(), Length(max=200)])


class EmptyForm(Form):
    """A form with only its CSRF token (sign-out, resend the confirmation)."""
