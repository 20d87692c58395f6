"""Fixtures of the communes tests: the small official-list fixture and a territory that declares."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data"
#: The fixture's Métropole de Lyon (6 current communes) and one commune of the CCVL.
LYON = {"epci": ["200046977"]}


@pytest.fixture
def declare(app):
    """``declare("alpha", {"epci": [...]})``: the territory's tenant.toml declares these areas
    during the test (the registry's entry is swapped, and put back after)."""
    registry = app.extensions["ptcc"].registry
    saved = {}

    def set_areas(slug: str, areas: dict) -> None:
        tenant = registry.get(slug)
        saved.setdefault(slug, tenant)
        registry._remember(dataclasses.replace(tenant, communes=areas))

    yield set_areas
    for tenant in saved.values():
        registry._remember(tenant)


@pytest.fixture
def imported(app, declare):
    """``imported("alpha")``: alpha declares the fixture's Métropole de Lyon, imported."""
    from ptcc.communes.services import import_from_source
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    def run(slug: str = "alpha", areas: dict | None = None, source: Path = FIXTURE):
        declare(slug, areas or LYON)
        with tenant_context(slug, app=app):
            report = import_from_source(source)
            db.session.commit()
        return report

    return run


# The organisations tests' fixtures: profiles are made and edited the same way here.
from tests.organisations.conftest import client_for, make_organisation, signed_in  # noqa: E402,F401
