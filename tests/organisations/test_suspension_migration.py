"""The suspension-and-merge migration keeps every row of the tables referring to organisations.

On SQLite a batch copy of ``organisations`` would drop the old table, and the implicit
DELETE of a dropped table fires ON DELETE CASCADE in memberships, invitations, topics and
missions: the migration alters the table in place instead. Down and up again, with data.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.runtime.environment import EnvironmentContext

from ptcc import migrate
from ptcc.extensions import db
from ptcc.organisations import models as m
from ptcc.tenancy import state, tenant_context

pytestmark = pytest.mark.skipif(
    os.environ.get("PTCC_TEST_SCHEMA") == "create_all", reason="the schema was not built by migrations")

BEFORE = "b5d2e8c41f70"
TABLES = ("organisations", "memberships", "invitations", "organisation_topics", "volunteering_missions",
          "activity_entries")


def _move(tenant, target: str, downgrade: bool) -> None:
    migrator = migrate.Migrator()
    script = migrator.script
    with state().engines.get(tenant).begin() as conn:
        def revisions(revision, _context):
            return script._downgrade_revs(target, revision) if downgrade else script._upgrade_revs(target, revision)

        with EnvironmentContext(migrate.alembic_config(conn), script, fn=revisions, destination_rev=target):
            script.run_env()


def _counts(conn) -> dict[str, int]:
    return {table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() for table in TABLES}


def test_down_and_up_again_keeps_every_row(app, territories, make_user, make_organisation):
    from ptcc_volunteering.models import Mission

    owner = make_user(tenant="alpha")
    member = make_user(tenant="alpha")
    kept_id, _slug = make_organisation(owner, topics=("Culture",), members=((member, "member", False),))
    other_id, _slug = make_organisation(owner, status="merged")
    tenant = territories["alpha"]
    with tenant_context("alpha", app=app):
        db.session.get(m.Organisation, other_id).merged_into_id = kept_id
        db.session.add_all([m.Invitation(organisation_id=kept_id, email="someone@example.org"),
                            Mission(organisation_id=kept_id, title="Mission", commune="Lyon")])
        db.session.commit()
        mission_id = db.session.scalar(sa.select(Mission.id))
        db.session.execute(sa.insert(db.metadata.tables["activity_entries"]).values(
            kind="volunteering.mission_published", plugin="volunteering", subject="Mission",
            endpoint="volunteering.show", url_values={"mission_id": mission_id}, actor_label="",
            created_at=sa.func.current_timestamp()))
        db.session.commit()
        db.session.remove()
    with app.app_context():
        _round_trip(tenant, kept_id, other_id)
    with tenant_context("alpha", app=app):
        assert migrate.schema_drift(tenant) == []


def _round_trip(tenant, kept_id, other_id):
    with state().engines.get(tenant).connect() as conn:
        before = _counts(conn)
    assert before["memberships"] == 3 and before["organisation_topics"] == 1
    try:
        _move(tenant, BEFORE, downgrade=True)
        with state().engines.get(tenant).connect() as conn:
            assert _counts(conn) == before
            assert conn.execute(sa.text("SELECT status FROM organisations WHERE id = :id"),
                                {"id": other_id}).scalar() == "refused"
    finally:
        _move(tenant, "heads", downgrade=False)
    with state().engines.get(tenant).connect() as conn:
        assert _counts(conn) == before
        # The entries the plugin wrote before name their mission's organisation now.
        assert conn.execute(sa.text("SELECT organisation_id FROM activity_entries")).scalar() == kept_id
