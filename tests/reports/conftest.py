"""Shared helpers of the reports tests."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD

_numbers = itertools.count(1)


@pytest.fixture
def make_org(app):
    """``make_org(owner, tenant="alpha")`` -> (id, slug) of an approved organisation owned by ``owner``."""
    from ptcc.organisations import models as m
    from ptcc.tenancy import tenant_context

    def make(owner, tenant: str = "alpha", name: str | None = None):
        n = next(_numbers)
        with tenant_context(tenant, app=app):
            organisation = m.Organisation(slug=f"reported-{n}", name=name or f"Reported {n}",
                                          kind=m.OrganisationKind.ASSOCIATION, commune="Lyon",
                                          status=m.OrganisationStatus.APPROVED, created_by_id=owner.id)
            db.session.add(organisation)
            db.session.add(m.Membership(organisation=organisation, user_id=owner.id, role=m.MembershipRole.OWNER))
            db.session.commit()
            return organisation.id, organisation.slug

    return make


@pytest.fixture
def person(make_user, territory_client):
    """``person(role)`` -> (user, client signed in as them), English-speaking."""

    def make(role: str = "member", **kwargs):
        kwargs.setdefault("locale", "en")
        user = make_user(tenant="alpha", role=role, **kwargs)
        client = territory_client("alpha")
        client.login(user.email, DEFAULT_PASSWORD)
        return user, client

    return make


def reports_in(in_territory, slug: str = "alpha"):
    from ptcc.reports.models import Report

    with in_territory(slug):
        return [(r.content_type, r.object_id, r.reporter_id, r.status.value, r.decision)
                for r in db.session.scalars(sa.select(Report).order_by(Report.id))]


def audit_actions(in_territory, slug: str = "alpha") -> list[str]:
    from ptcc.audit.models import AuditEntry

    with in_territory(slug):
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
