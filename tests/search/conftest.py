"""Helpers of the search index tests: organisations and missions written through the ORM."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from ptcc.extensions import db

_numbers = itertools.count(1)


def add_organisation(name: str, status: str = "approved", commune: str = "Lyon", description: str = "",
                     topics=()):
    """An organisation added to the current territory's session (flushed, not committed)."""
    from ptcc.organisations import models as m

    n = next(_numbers)
    found = []
    for topic_name in topics:
        slug = f"topic-{abs(hash(topic_name)) % 10 ** 8}"
        topic = db.session.scalar(sa.select(m.Topic).where(m.Topic.name == topic_name))
        found.append(topic or m.Topic(name=topic_name, slug=slug))
    organisation = m.Organisation(slug=f"org-{n}", name=name, kind=m.OrganisationKind.ASSOCIATION,
                                  status=m.OrganisationStatus(status), commune=commune, description=description,
                                  topics=found)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def add_mission(organisation, title: str, description: str = "", commune: str = "Lyon", skills=(),
                status: str = "open", starts_in: int | None = 7):
    from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus

    starts_on = date.today() + timedelta(days=starts_in) if starts_in is not None else None
    mission = Mission(organisation_id=organisation.id, title=title, description=description, commune=commune,
                      starts_on=starts_on, ends_on=starts_on, status=MissionStatus(status),
                      skills=[MissionSkill(label=label, slug=f"skill-{i}") for i, label in enumerate(skills)])
    db.session.add(mission)
    db.session.flush()
    return mission


def organisations_found(query: str, limit: int = 20) -> list[str]:
    from ptcc.organisations import directory

    return [organisation.name for organisation in directory.search(query, limit)]


def missions_found(query: str, limit: int = 20) -> list[str]:
    from ptcc_volunteering import queries

    return [mission.title for mission in queries.search(query, limit)]


def documents() -> list[tuple[str, str]]:
    """(kind, title) of every stored document, sorted."""
    from ptcc.search.models import SearchDocument

    return sorted(tuple(row) for row in db.session.execute(sa.select(SearchDocument.kind, SearchDocument.title)))


def check_fulltext_consistent() -> None:
    """SQLite: FTS5's own check that its index agrees with ``search_documents``."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(
            "INSERT INTO search_documents_fts(search_documents_fts, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def territory(app):
    """``with territory("alpha"):`` inside a territory and a request (url_for, gettext)."""
    from ptcc.tenancy import tenant_context

    @contextmanager
    def enter(slug: str = "alpha"):
        with tenant_context(slug, app=app), app.test_request_context(
                base_url=f"http://{slug}.test", headers={"Accept-Language": "en"}):
            yield

    return enter


# The CLI tests' private installations (``make_platform``, ``platform``: a Platform on the backend under test).
from tests.cli.conftest import make_platform, platform  # noqa: E402,F401
