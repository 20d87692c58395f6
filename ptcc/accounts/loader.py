"""Flask-Login's user loader: the cookie's id must name this territory."""

from __future__ import annotations

from ptcc.accounts.models import User
from ptcc.extensions import db
from ptcc.tenancy import current_tenant, has_tenant


def load_user(user_id: str) -> User | None:
    if not has_tenant():
        return None
    try:
        slug, raw_id, version = user_id.split(":")
        numeric_id, auth_version = int(raw_id), int(version)
    except ValueError:
        return None
    if slug != current_tenant.slug:
        return None
    user = db.session.get(User, numeric_id)
    if user is None or user.auth_version != auth_version:
        return None
    return user
