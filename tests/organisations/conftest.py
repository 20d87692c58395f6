"""Shared helpers of the organisations tests."""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD

_numbers = itertools.count(1)

#: A complete, valid creation form.
VALID_PROFILE = {
    "name": "Vélo Cité",
    "kind": "association",
    "circle": "first",
    "description": "Ateliers **vélo** le samedi.",
    "commune": "Villeurbanne",
    "website": "https://velo.example.org",
    "declared_members": "120",
    "rna": "W691234567",
    "siren": "732829320",
    "siret": "73282932000074",
    "new_topics": "Mobilité douce",
}


def profile(**overrides) -> dict:
    data = dict(VALID_PROFILE)
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@contextmanager
def service_context(app, slug: str = "alpha", language: str = "en"):
    """Inside a territory and a request, as a view calls services (messages need a locale).

    The browser asks for English so that messages can be compared with the source text.
    """
    from ptcc.tenancy import tenant_context

    with tenant_context(slug, app=app), app.test_request_context(
            base_url=f"http://{slug}.test", headers={"Accept-Language": language}):
        yield


def load(model, id_):
    return db.session.get(model, id_)


@pytest.fixture
def make_organisation(app):
    """``make_organisation(owner, status="approved", **fields)``: an organisation and its owner's membership.

    ``members`` is a list of (user, role, may_sign[, status]) added as well. Returns (id, slug).
    """
    from ptcc.organisations import models as m
    from ptcc.organisations.services import slugify
    from ptcc.tenancy import tenant_context

    def make(owner, tenant: str = "alpha", status: str = "approved", name: str | None = None,
             topics: tuple = (), members: tuple = (), **fields):
        n = next(_numbers)
        name = name or f"Organisation {n}"
        with tenant_context(tenant, app=app):
            found = []
            for topic_name in topics:
                slug = slugify(topic_name)
                topic = db.session.scalar(sa.select(m.Topic).where(m.Topic.slug == slug))
                found.append(topic or m.Topic(name=topic_name, slug=slug))
            fields.setdefault("kind", m.OrganisationKind.ASSOCIATION)
            fields.setdefault("commune", "Lyon")
            organisation = m.Organisation(slug=fields.pop("slug", f"organisation-{n}"), name=name,
                                          status=m.OrganisationStatus(status), created_by_id=owner.id,
                                          topics=found, **fields)
            db.session.add(organisation)
            db.session.add(m.Membership(organisation=organisation, user_id=owner.id, role=m.MembershipRole.OWNER,
                                        may_sign=True))
            for user, role, may_sign, *rest in members:
                db.session.add(m.Membership(organisation=organisation, user_id=user.id,
                                            role=m.MembershipRole(role), may_sign=may_sign,
                                            status=m.MembershipStatus(rest[0] if rest else "active")))
            db.session.commit()
            return organisation.id, organisation.slug

    return make


@pytest.fixture
def signed_in(territory_client, make_user):
    """``signed_in(role)``: a fresh English-speaking user of alpha, and a client signed in as them."""

    def make(role: str = "member", **kwargs):
        kwargs.setdefault("locale", "en")
        user = make_user(tenant="alpha", role=role, **kwargs)
        client = territory_client("alpha")
        client.login(user.email, DEFAULT_PASSWORD)
        return user, client

    return make


@pytest.fixture
def client_for(territory_client):
    """``client_for(user)``: a client of alpha signed in as ``user``."""

    def make(user, slug: str = "alpha"):
        client = territory_client(slug)
        client.login(user.email, DEFAULT_PASSWORD)
        return client

    return make


def audit_actions(in_territory, slug: str = "alpha") -> list[str]:
    from ptcc.audit.models import AuditEntry

    with in_territory(slug):
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
