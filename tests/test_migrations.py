import os

import pytest

from ptcc import migrate
from ptcc.tenancy import tenant_context

pytestmark = pytest.mark.skipif(
    os.environ.get("PTCC_TEST_SCHEMA") == "create_all", reason="the schema was not built by migrations"
)


def test_models_and_migrations_agree(app, territories):
    """Every model column, index and constraint exists in a migrated database, and nothing more."""
    for tenant in territories.values():
        with tenant_context(tenant, app=app):
            assert migrate.schema_drift(tenant) == []


def test_each_territory_has_its_own_version_table(app, territories):
    heads = None
    with app.app_context():
        heads = migrate.head_revisions()
        for tenant in territories.values():
            assert migrate.current_revisions(tenant) == heads
            assert migrate.migration_state(tenant) == "up to date"
