"""Factories: each fixture returns a callable that builds and commits one thing."""

from __future__ import annotations

import itertools

from ptcc.db import utcnow
from ptcc.extensions import db
from ptcc.tenancy import tenant_context

DEFAULT_PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user_factory(app):
    def make_user(tenant: str = "alpha", email: str | None = None, password: str = DEFAULT_PASSWORD,
                  display_name: str | None = None, role: str = "member", verified: bool = True,
                  locale: str = ""):
        from ptcc.accounts.models import Role, User

        n = next(_counter)
        with tenant_context(tenant, app=app):
            user = User(
                email=(email or f"person{n}@example.org").lower(),
                display_name=display_name or f"Person {n}",
                role=Role(role),
                locale=locale,
                email_verified_at=utcnow() if verified else None,
            )
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make_user
