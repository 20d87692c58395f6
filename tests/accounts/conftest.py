"""Helpers of the account tests."""

from __future__ import annotations

import re

import pytest

LINK_RE = re.compile(r"https?://\S+")


def link_in(body: str) -> str:
    """The path of the first link of an e-mail body, ready for a territory client."""
    match = LINK_RE.search(body)
    assert match, body
    url = match.group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def users_of(app):
    """``users_of("alpha")``: (email, verified) of the territory's people."""
    import sqlalchemy as sa

    from ptcc.accounts.models import User
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    def read(slug: str = "alpha"):
        with tenant_context(slug, app=app):
            return [(u.email, u.is_verified) for u in db.session.scalars(sa.select(User).order_by(User.id))]

    return read
