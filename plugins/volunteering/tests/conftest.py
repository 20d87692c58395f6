"""Fixtures of the volunteering plugin's tests, on top of the ``ptcc`` pytest plugin's.

The ``ptcc`` fixtures enable every discovered plugin in both test territories;
a test that needs the plugin off somewhere says so with ``territory_plugins``.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from ptcc.testing.factories import DEFAULT_PASSWORD

_counter = itertools.count(1)


@pytest.fixture
def make_organisation(app):
    """``make_organisation("alpha", members=[user], status="approved")`` -> the organisation's id and slug."""
    from ptcc.organisations.models import (
        Membership,
        MembershipRole,
        MembershipStatus,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )

    def make(tenant: str = "alpha", members=(), name: str | None = None, status: str = "approved",
             pending_members=()):
        n = next(_counter)
        with tenant_context(tenant, app=app):
            organisation = Organisation(slug=f"association-{n}", name=name or f"Association {n}",
                                        kind=OrganisationKind.ASSOCIATION, commune="Lyon",
                                        status=OrganisationStatus(status))
            db.session.add(organisation)
            db.session.flush()
            for index, user in enumerate(members):
                db.session.add(Membership(organisation_id=organisation.id, user_id=user.id,
                                          role=MembershipRole.OWNER if index == 0 else MembershipRole.MEMBER,
                                          status=MembershipStatus.ACTIVE))
            for user in pending_members:
                db.session.add(Membership(organisation_id=organisation.id, user_id=user.id,
                                          role=MembershipRole.MEMBER, status=MembershipStatus.PENDING))
            db.session.commit()
            return {"id": organisation.id, "slug": organisation.slug, "name": organisation.name}

    return make


@pytest.fixture
def make_mission(app):
    """``make_mission("alpha", organisation, title=...)`` -> the mission's id (committed)."""
    from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus
    from ptcc_volunteering.services import slugify

    def make(tenant: str = "alpha", organisation: dict | None = None, skills=("cuisine",), status: str = "open",
             starts_in: int | None = 7, days: int = 1, **values):
        n = next(_counter)
        starts_on = date.today() + timedelta(days=starts_in) if starts_in is not None else None
        fields = {"title": f"Mission {n}", "description": "Aider *vraiment*.", "commune": "Lyon",
                  "starts_on": starts_on, "ends_on": starts_on + timedelta(days=days - 1) if starts_on else None,
                  "availability": "" if starts_on else "chaque samedi", "volunteers_needed": 2,
                  "contact": "contact@association.example.org"}
        fields.update(values)
        with tenant_context(tenant, app=app):
            mission = Mission(organisation_id=organisation["id"], status=MissionStatus(status),
                              skills=[MissionSkill(label=s, slug=slugify(s)) for s in skills], **fields)
            db.session.add(mission)
            db.session.commit()
            return mission.id

    return make


@pytest.fixture
def cast(make_user, make_organisation, make_mission):
    """The usual people of a mission in alpha: a member of the posting organisation, a
    volunteer, a stranger; the organisation and one open mission."""
    member = make_user(display_name="Marie Membre")
    volunteer = make_user(display_name="Victor Volontaire")
    stranger = make_user(display_name="Sam Stranger")
    organisation = make_organisation("alpha", members=[member], name="Les Amis du Quartier")
    mission = make_mission("alpha", organisation, title="Distribution alimentaire")
    return {"member": member, "volunteer": volunteer, "stranger": stranger, "organisation": organisation,
            "mission": mission, "password": DEFAULT_PASSWORD}


@pytest.fixture
def signed_in(territory_client):
    """``signed_in(user)`` -> a client of alpha signed in as ``user``."""

    def sign(user, slug: str = "alpha"):
        client = territory_client(slug)
        client.login(user.email, DEFAULT_PASSWORD)
        return client

    return sign


@pytest.fixture
def in_request(app):
    """``with in_request("alpha"):`` — inside the territory and a request on its host, as a view is
    (services translate their messages in the request's language)."""
    from ptcc.testing.pytest_plugin import TERRITORIES

    @contextmanager
    def enter(slug: str = "alpha"):
        with tenant_context(slug, app=app):
            with app.test_request_context(base_url=f"http://{TERRITORIES[slug]['hosts'][0]}"):
                yield

    return enter
