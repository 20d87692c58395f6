"""The first administrator of a new territory (``ptcc tenant create``)."""

from __future__ import annotations

import secrets

from ptcc.accounts.models import Role, User
from ptcc.accounts import services
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.extensions import db


def create_first_admin(email: str, display_name: str, password: str | None) -> User:
    """Add a verified administrator; without a password, queue a set-password e-mail.

    Flushes, does not commit: the command commits.
    """
    user = User(email=email.strip().lower(), display_name=display_name, role=Role.ADMIN,
                locale="", email_verified_at=utcnow())
    # Without a password the account gets one nobody knows until the link sets it.
    user.set_password(password or secrets.token_urlsafe(32))
    db.session.add(user)
    db.session.flush()
    record(None, "account.admin_created", user, person=user.email)
    if password is None:
        services.queue_set_password(user)
    return user
