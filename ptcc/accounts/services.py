"""People: sign-up, verification, sign-in, password reset, profile, export, deletion.

Functions check who may act first, then change things and flush; the view commits.
Replies never tell a stranger whether an address has an account: sign-up and reset
answer the same either way, and the e-mail says what happened.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from ptcc.accounts.models import Role, User, hash_password
from ptcc.accounts.permissions import require_signed_in
from ptcc.accounts.tokens import BadToken, make_token, read_token
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.outbox.services import composer, queue_deferred, queue_templated_email, render_templated_email
from ptcc.web.urls import external_url

MIN_PASSWORD_LENGTH = 10
#: Outbox kind of a password reset, composed when sent (see ``request_password_reset``).
RESET_KIND = "accounts.password_reset"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           field="password")


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def _password_fingerprint(user: User) -> str:
    # Part of reset links: once the password changes the fingerprint does, so a link works once.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


# --- sign-up and verification -----------------------------------------------------


def sign_up(email: str, display_name: str, password: str, locale: str = "",
            terms_version: str = "") -> User | None:
    """Create an unverified account and queue its verification e-mail.

    ``terms_version`` names the terms of use the person accepted (``ptcc.legal.services
    .terms_version``); without it nobody signs up.

    When the address already has an account, nothing is created and its owner is
    told by e-mail instead; the caller shows the same page in both cases, and both
    cases cost the same (one password hash, one e-mail) so that timing tells nothing.
    """
    if not (terms_version or "").strip():
        raise ServiceError(_("Accept the terms of use to create an account."), field="accept_terms")
    check_password_strength(password)
    email = normalise_email(email)
    password_hash = hash_password(password)
    existing = find_by_email(email)
    if existing is not None:
        queue_templated_email(existing.email, "accounts/email/already_registered", existing.locale or locale,
                              user=existing, reset_url=external_url("accounts.reset_request"))
        return None
    user = User(email=email, display_name=display_name.strip(), locale=locale, role=Role.MEMBER,
                password_hash=password_hash, terms_accepted_at=utcnow(), terms_version=terms_version[:40])
    db.session.add(user)
    db.session.flush()
    queue_verification(user)
    return user


def queue_verification(user: User) -> None:
    token = make_token("verify", {"uid": user.id, "email": user.email})
    queue_templated_email(user.email, "accounts/email/verify", user.locale, user=user,
                          url=external_url("accounts.verify", token=token))


def verify_email(token: str) -> User:
    try:
        data = read_token("verify", token, current_app.config["PTCC_VERIFY_MAX_AGE"])
        user = db.session.get(User, int(data["uid"]))
    except (BadToken, KeyError, TypeError, ValueError):
        user = None
    if user is None or user.email != data.get("email"):
        raise ServiceError(_("This confirmation link is invalid or has expired. Sign in to ask for a new one."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
    return user


# --- sign-in ----------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None:
        # Same cost as a wrong password, so timing does not reveal which addresses exist.
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    if user.is_deactivated:
        # Told only to whoever knows the password: a stranger learns nothing about the address.
        raise ServiceError(_("This account was deactivated by the territory's administrators: it can no "
                             "longer sign in. Write to them if you think this is a mistake."))
    user.last_login_at = utcnow()
    db.session.flush()
    return user


# --- passwords --------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Queue a reset for the address; the outbox worker sends the link only if it has an account.

    The request itself does the same thing for every address (one queued row, no look-up),
    so neither its answer nor its duration says whether the address has an account.
    """
    queue_deferred(RESET_KIND, normalise_email(email))


@composer(RESET_KIND)
def compose_password_reset(email: str) -> tuple[str, str] | None:
    user = find_by_email(email)
    if user is None or user.is_deactivated:
        return None
    token = make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)})
    return render_templated_email("accounts/email/reset", user.locale, user=user,
                                  url=external_url("accounts.reset_password", token=token),
                                  hours=current_app.config["PTCC_RESET_MAX_AGE"] // 3600 or 1)


def queue_set_password(user: User) -> None:
    """A first-password link for an account created by an operator."""
    token = make_token("set_password", {"uid": user.id, "fp": _password_fingerprint(user)})
    queue_templated_email(user.email, "accounts/email/set_password", user.locale, user=user,
                          url=external_url("accounts.set_password", token=token))


def user_for_password_token(purpose: str, token: str) -> User:
    """The account a reset (or set-password) link is for; refused once used or expired."""
    max_age = current_app.config["PTCC_RESET_MAX_AGE" if purpose == "reset" else "PTCC_INVITE_MAX_AGE"]
    try:
        data = read_token(purpose, token, max_age)
        user = db.session.get(User, int(data["uid"]))
    except (BadToken, KeyError, TypeError, ValueError):
        user = None
    if user is None or user.is_deactivated or _password_fingerprint(user) != data.get("fp"):
        raise ServiceError(_("This link is invalid, has expired or was already used. Ask for a new one."))
    return user


def set_new_password(user: User, password: str) -> None:
    """Change the password and end every other session of the account."""
    check_password_strength(password)
    user.set_password(password)
    user.auth_version += 1
    if user.email_verified_at is None:
        # The link came to this mailbox: the address is proven.
        user.email_verified_at = utcnow()
    db.session.flush()


# --- profile, export, deletion ------------------------------------------------------


def update_profile(actor: User, display_name: str, locale: str, offered: tuple[str, ...]) -> None:
    require_signed_in(actor)
    if locale and locale not in offered:
        raise ServiceError(_("This language is not offered in this territory."), field="locale")
    actor.display_name = display_name.strip()
    actor.locale = locale
    db.session.flush()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(actor: User) -> dict:
    """Everything the territory holds about the person, core and plugins."""
    require_signed_in(actor)
    from ptcc.plugins.manager import plugin_manager

    data = {
        "account": {
            "email": actor.email,
            "display_name": actor.display_name,
            "role": actor.role.value,
            "locale": actor.locale,
            "created_at": _iso(actor.created_at),
            "email_verified_at": _iso(actor.email_verified_at),
            "last_login_at": _iso(actor.last_login_at),
            "terms_accepted_at": _iso(actor.terms_accepted_at),
            "terms_version": actor.terms_version,
        },
    }
    for contributed in plugin_manager().hook("ptcc_personal_data")(user=actor):
        data.update(contributed or {})
    return data


def active_admin_ids(lock: bool = False) -> set[int]:
    """The administrators who can still sign in; ``lock`` makes changes to them take turns
    (PostgreSQL; on SQLite the writing request holds the database's lock already)."""
    query = sa.select(User.id).where(User.role == Role.ADMIN, User.deactivated_at.is_(None))
    if lock:
        query = query.with_for_update(key_share=True)
    return set(db.session.scalars(query))


def delete_account(actor: User, password: str) -> None:
    """Erase the account after its password is confirmed; plugins clean up first."""
    require_signed_in(actor)
    if not actor.check_password(password or ""):
        raise ServiceError(_("The password is not correct."), field="password")
    erase_account(actor)


def erase_account(user: User, by: User | None = None) -> None:
    """Erase ``user``'s account and personal data, as they would themselves (``by`` None) or as an
    administrator does (``ptcc.admin.accounts``). Plugins clean up first and may refuse; what the
    person published on behalf of an organisation stays with it. The last administrator stays."""
    if user.role == Role.ADMIN and not (active_admin_ids(lock=True) - {user.id}):
        if by is None:
            raise ServiceError(_("You are the territory's only administrator: name another one before "
                                 "deleting your account."))
        raise ServiceError(_("%(name)s is the territory's last administrator.", name=user.display_name))
    from ptcc.plugins.manager import plugin_manager

    plugin_manager().hook("ptcc_before_user_delete")(user=user)
    # The log keeps that an account was deleted, not whose it was.
    if by is None:
        record(None, "account.deleted", user, self_service=True)
    else:
        record(by, "account.deleted", user, self_service=False)
    db.session.delete(user)
    db.session.flush()
