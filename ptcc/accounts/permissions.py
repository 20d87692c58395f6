"""Permission checks for services: they raise, views turn the exception into 403."""

from __future__ import annotations

from flask_babel import gettext as _

from ptcc.accounts.models import Role
from ptcc.errors import PermissionDenied


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def has_role(user, role: Role) -> bool:
    return is_signed_in(user) and user.has_role(role)


def require_signed_in(user) -> None:
    if not is_signed_in(user):
        raise PermissionDenied(_("You need to sign in first."))


def require_verified(user) -> None:
    require_signed_in(user)
    if not user.is_verified:
        raise PermissionDenied(_("Please confirm your e-mail address first."))


def require_role(user, role: Role) -> None:
    require_signed_in(user)
    if not user.has_role(role):
        raise PermissionDenied(_("This is reserved to the territory's administrators."))
