"""Administrators deactivate, reactivate and delete people's accounts.

A deactivated account can no longer sign in and its sessions end at once; what it published
stays, under its name. Deleting one is self-deletion done by an administrator: the same
service (``ptcc.accounts.services.erase_account``), plugins included. Nobody acts on their own
account here, and the territory keeps an administrator who can sign in.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ptcc.accounts.models import Role, User
from ptcc.accounts.permissions import require_role
from ptcc.accounts.services import active_admin_ids, erase_account
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.outbox.services import queue_templated_email
from ptcc.web.urls import external_url


def _check(actor, user: User, own_message: str) -> None:
    require_role(actor, Role.ADMIN)
    admins = active_admin_ids(lock=True)
    if actor.id not in admins:  # demoted or deactivated meanwhile
        raise PermissionDenied(_("This is reserved to the territory's administrators."))
    if user.id == actor.id:
        raise ServiceError(own_message)
    db.session.refresh(user)
    if user.role == Role.ADMIN and not (admins - {user.id}):
        raise ServiceError(_("%(name)s is the territory's last administrator.", name=user.display_name))


def _person(user: User) -> str:
    return f"{user.display_name} <{user.email}>"


def deactivate(actor, user: User) -> User:
    """The account can no longer sign in; its open sessions end; the person is told."""
    _check(actor, user, _("You cannot deactivate your own account."))
    if user.is_deactivated:
        raise ServiceError(_("The account of %(name)s is already deactivated.", name=user.display_name))
    user.deactivated_at = utcnow()
    user.auth_version += 1  # every session cookie of the account stops working
    db.session.flush()
    record(actor, "account.deactivated", target=user, person=_person(user))
    queue_templated_email(user.email, "accounts/email/deactivated", user.locale, user=user)
    return user


def reactivate(actor, user: User) -> User:
    _check(actor, user, _("You cannot reactivate your own account."))
    if not user.is_deactivated:
        raise ServiceError(_("The account of %(name)s is not deactivated.", name=user.display_name))
    user.deactivated_at = None
    db.session.flush()
    record(actor, "account.reactivated", target=user, person=_person(user))
    queue_templated_email(user.email, "accounts/email/reactivated", user.locale, user=user,
                          url=external_url("accounts.login"))
    return user


def delete(actor, user: User) -> None:
    """Erase the account as self-deletion would; the person is told at their address."""
    _check(actor, user, _("To delete your own account, use the page of your account."))
    email, locale, name = user.email, user.locale, user.display_name
    try:
        erase_account(user, by=actor)
    except PermissionDenied:
        raise
    except ServiceError as exc:  # a plugin's refusal speaks to the person; say whose account it is
        raise ServiceError(_("The account of %(name)s cannot be deleted yet. %(why)s", name=name,
                             why=exc.message)) from None
    queue_templated_email(email, "accounts/email/deleted_by_admin", locale, name=name)
