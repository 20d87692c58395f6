"""Flask-Login's user loader: the cookie's id must name this territory.

Every signed-in request loads its person. The row is kept as plain values per territory and
data version (``ptcc.caching``): the pages that read the data version anyway (the dashboard,
the lists) then load nobody from the database. Any committed write gives the territory a new
data version, so a changed password or a "sign out everywhere" (``auth_version``), a new role
or a deleted account is seen at the very next request, by every worker. The password hash is
never kept: it stays unloaded, and the database is asked only when something reads it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from ptcc.accounts.models import Role, User
from ptcc.caching import cached_per_territory
from ptcc.extensions import db
from ptcc.tenancy import current_tenant, has_tenant

#: What is kept of a person: every column but the password hash.
CACHED_COLUMNS = ("id", "email", "display_name", "role", "locale", "email_verified_at", "auth_version",
                  "created_at", "last_login_at", "terms_accepted_at", "terms_version",
                  "deactivated_at")


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
    user = person(numeric_id)
    if user is None or user.auth_version != auth_version or user.is_deactivated:
        return None
    return user


def person(user_id: int) -> User | None:
    """The person with this id, attached to the request's session, from the cache when it can."""
    if identity_key(User, user_id) in db.session.identity_map:
        return db.session.get(User, user_id)
    values = _person_values(user_id)
    if values is None:
        return None
    columns = dict(zip(CACHED_COLUMNS, values))
    columns["role"] = Role(columns["role"])
    user = User(**columns)
    # As if loaded by a query: persistent, nothing to flush, the password hash left unloaded.
    make_transient_to_detached(user)
    db.session.add(user)
    return user


@cached_per_territory("accounts.person")
def _person_values(user_id: int) -> tuple | None:
    row = db.session.execute(sa.select(*(getattr(User, name) for name in CACHED_COLUMNS))
                             .where(User.id == user_id)).first()
    if row is None:
        return None
    return tuple(value.value if isinstance(value, Role) else value for value in row)
