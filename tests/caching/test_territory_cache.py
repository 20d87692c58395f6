"""Derived data cached per territory: every process sees a write at its next request, and one
territory's cached values never answer for another."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.caching import bump_data_version, data_version
from ptcc.extensions import db
from ptcc.testing.clients import TerritoryClient
from tests.caching.helpers import add_organisation, organisations_shown


def test_a_write_is_seen_by_another_process_at_its_next_request(app, other_process):
    add_organisation(app)
    worker = TerritoryClient(other_process.test_client(), "alpha.test")
    assert organisations_shown(worker) == 1
    assert organisations_shown(worker) == 1  # served from its cache now
    add_organisation(app)  # written by this process
    assert organisations_shown(worker) == 2


def test_one_territory_never_answers_with_another_ones_values(app, alpha, beta):
    for _ in range(3):
        add_organisation(app, "alpha")
    add_organisation(app, "beta")
    assert organisations_shown(alpha) == 3
    assert organisations_shown(beta) == 1
    assert organisations_shown(alpha) == 3


def test_versions_change_with_data_and_only_with_data(app, in_territory):
    from ptcc.organisations.models import Organisation
    from ptcc.outbox.services import queue_email

    add_organisation(app)
    with in_territory("alpha"):
        first = data_version()
    with in_territory("alpha"):
        queue_email("ada@example.org", "Bonjour", "Un message en attente ne change aucune page.")
        db.session.commit()
        assert data_version() == first
    with in_territory("alpha"):
        db.session.scalar(sa.select(Organisation)).name = "Renamed, then rolled back"
        db.session.flush()
        db.session.rollback()
        assert data_version() == first
    with in_territory("alpha"):
        db.session.execute(sa.update(Organisation).values(commune="Villeurbanne"))
        db.session.commit()
        assert data_version() not in (None, first)


def test_writers_outside_the_orm_bump_the_version_themselves(app, alpha):
    from ptcc.organisations.models import Organisation, OrganisationKind, OrganisationStatus

    add_organisation(app)
    assert organisations_shown(alpha) == 1
    engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get("alpha"))
    with app.app_context(), engine.begin() as conn:
        conn.execute(sa.insert(Organisation).values(slug="bulk", name="Bulk", commune="Lyon",
                                                    kind=OrganisationKind.ASSOCIATION,
                                                    status=OrganisationStatus.APPROVED))
        bump_data_version(conn)
    assert organisations_shown(alpha) == 2


def test_without_a_version_row_nothing_is_cached(app, in_territory, alpha):
    from ptcc.tenancy.models import DataVersion

    add_organisation(app)
    with in_territory("alpha"):
        db.session.execute(sa.delete(DataVersion))
        db.session.commit()  # a delete is a change: the version row comes back at once
        assert data_version() is not None
    engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get("alpha"))
    with engine.begin() as conn:
        conn.execute(sa.delete(DataVersion.__table__))
    assert organisations_shown(alpha) == 1
    add_organisation(app)
    assert organisations_shown(alpha) == 2
