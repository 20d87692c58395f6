"""Builders of the race tests: rows written straight into alpha's database, and counters.

Every race runs a few rounds on fresh rows, so that a pass means something (one
lucky interleaving is not enough), while the people and their signed-in clients
are made once per test — signing in costs a password hash.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from ptcc.extensions import db

#: How many times each race is run in a test.
ROUNDS = 3

_numbers = itertools.count(1)


@pytest.fixture
def db_in(in_territory):
    """``with db_in(): ...`` — alpha's session, committed at the end of the block."""

    @contextmanager
    def enter(slug: str = "alpha"):
        with in_territory(slug):
            yield db.session
            db.session.commit()

    return enter


@pytest.fixture
def new_organisation(db_in):
    """``new_organisation(owners=[...], members=[...])`` -> (id, slug): an approved organisation."""
    from ptcc.organisations.models import (
        Membership,
        MembershipRole,
        MembershipStatus,
        Organisation,
        OrganisationKind,
        OrganisationStatus,
    )

    def make(owners=(), members=()):
        n = next(_numbers)
        with db_in() as session:
            organisation = Organisation(slug=f"course-{n}", name=f"Course {n}", kind=OrganisationKind.ASSOCIATION,
                                        commune="Lyon", status=OrganisationStatus.APPROVED)
            session.add(organisation)
            session.flush()
            for people, role in ((owners, MembershipRole.OWNER), (members, MembershipRole.MEMBER)):
                for person in people:
                    session.add(Membership(organisation_id=organisation.id, user_id=person.id, role=role,
                                           status=MembershipStatus.ACTIVE))
            session.flush()
            return organisation.id, organisation.slug

    return make


def count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))
