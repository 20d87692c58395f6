"""Fixtures of the hardening tests: an approved organisation and signed-in clients."""

from __future__ import annotations

import itertools

import pytest

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD

_numbers = itertools.count(1)


@pytest.fixture
def make_org(app):
    """``make_org(owner, members=[...])`` -> the slug of an approved organisation of alpha."""
    from ptcc.organisations.models import (
        Membership,
        MembershipRole,
        MembershipStatus,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )
    from ptcc.tenancy import tenant_context

    def make(owner, members=(), tenant: str = "alpha") -> str:
        n = next(_numbers)
        with tenant_context(tenant, app=app):
            organisation = Organisation(slug=f"collectif-{n}", name=f"Collectif {n}", commune="Lyon",
                                        kind=OrganisationKind.ASSOCIATION, status=OrganisationStatus.APPROVED)
            db.session.add(organisation)
            db.session.flush()
            for user, role in [(owner, MembershipRole.OWNER), *((m, MembershipRole.MEMBER) for m in members)]:
                db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, role=role,
                                          status=MembershipStatus.ACTIVE))
            db.session.commit()
            return organisation.slug

    return make


@pytest.fixture
def signed_in(territory_client):
    """``signed_in(user, slug="alpha", prefix=False)`` -> a client signed in as ``user``."""

    def sign(user, slug: str = "alpha", prefix: bool = False):
        client = territory_client(slug, prefix=prefix)
        client.login(user.email, DEFAULT_PASSWORD)
        return client

    return sign
