"""``ptcc search reindex`` (the real CLI) and the upgrade that creates the index, which fills it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ptcc import migrate
from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from tests.cli.sandbox import UNREACHABLE_URL

#: The core revision before the search index.
BEFORE_INDEX = "c41d7e2a9f05"
SUMMARY_RE = r"(\d+) territories in \d+\.\d s: (\d+) reindexed, (\d+) failed"
LINE_RE = (r"\[(\d+)/(\d+)\] (\w+): (\d+) documents \(organisations\.organisation (\d+), "
           r"volunteering\.mission (\d+)\), (\d+) removed in \d+\.\d s")


def upgrade_to(platform, slug: str, *targets: str) -> None:
    app = platform.app()
    with app.app_context():
        state = app.extensions["ptcc"]
        for target in targets:
            migrate.upgrade(state.registry.get(slug), target)
        state.engines.dispose_all()


def insert_behind_the_orm(app, slug: str, names: list[str], missions: list[str] = ()) -> None:
    """Rows written through SQLAlchemy core, as a bulk import does: no session event sees them."""
    from ptcc.db import utcnow
    from ptcc.organisations.models import Organisation
    from ptcc_volunteering.models import Mission

    with tenant_context(slug, app=app):
        # The table as the database has it (an older revision may lack columns that the model
        # has, whose defaults an insert through the model's table would write), with the
        # values of its required columns.
        table = sa.Table(Organisation.__tablename__, sa.MetaData(), autoload_with=db.session.connection())
        now = utcnow()
        required = {"circle": "first", "description": "", "website": "", "rna": "", "siren": "", "siret": "",
                    "refusal_reason": "", "suspension_reason": "", "created_at": now, "updated_at": now}
        ids = db.session.execute(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [{"slug": f"{slug}-{i}", "name": name, "kind": "association", "status": "approved", "commune": "Lyon",
              **{key: value for key, value in required.items() if key in table.c}}
             for i, name in enumerate(names)]).scalars().all()
        if missions:
            db.session.execute(sa.insert(Mission.__table__),
                               [{"organisation_id": ids[0], "title": title, "commune": "Lyon"} for title in missions])
        db.session.commit()


def found(app, slug: str, query: str) -> tuple[list[str], list[str]]:
    from ptcc.organisations import directory
    from ptcc_volunteering import queries

    with tenant_context(slug, app=app):
        return ([o.name for o in directory.search(query, 20)], [m.title for m in queries.search(query, 20)])


def test_reindex_rebuilds_every_territory_and_says_what_it_did(platform):
    for slug in ("alpha", "beta"):
        platform.write_tenant(slug)
    assert platform.run("db", "upgrade").exit_code == 0
    app = platform.app()
    insert_behind_the_orm(app, "alpha", ["Jardin du Nord", "Jardin du Sud"], ["Désherbage"])
    insert_behind_the_orm(app, "beta", ["Ferme urbaine"])
    assert found(app, "alpha", "jardin") == ([], [])
    app.extensions["ptcc"].engines.dispose_all()

    result = platform.run("search", "reindex")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    assert re.fullmatch(LINE_RE, lines[0]).groups() == ("1", "2", "alpha", "3", "2", "1", "0")
    assert re.fullmatch(LINE_RE, lines[1]).groups() == ("2", "2", "beta", "1", "1", "0", "0")
    assert re.fullmatch(SUMMARY_RE, lines[2]).groups() == ("2", "2", "0")
    app = platform.app()
    assert found(app, "alpha", "jard") == (["Jardin du Nord", "Jardin du Sud"], ["Désherbage"])  # its organisation
    assert found(app, "alpha", "desherb") == ([], ["Désherbage"])
    assert found(app, "beta", "jardin") == ([], []) and found(app, "beta", "ferme") == (["Ferme urbaine"], [])

    # Run again: the same documents, nothing removed; a document whose row went behind the ORM's back goes.
    from ptcc.organisations.models import Organisation

    with tenant_context("alpha", app=app):
        db.session.execute(sa.delete(Organisation.__table__).where(Organisation.name == "Jardin du Sud"))
        db.session.commit()
    app.extensions["ptcc"].engines.dispose_all()
    again = platform.run("search", "reindex", "--tenant", "alpha")
    assert again.exit_code == 0, again.output
    lines = again.output.splitlines()
    assert re.fullmatch(LINE_RE, lines[0]).groups() == ("1", "1", "alpha", "2", "1", "1", "1")
    assert re.fullmatch(SUMMARY_RE, lines[1]).groups() == ("1", "1", "0") and len(lines) == 2
    assert found(platform.app(), "alpha", "jardin") == (["Jardin du Nord"], ["Désherbage"])


def test_progress_inside_a_territory_and_over_many(platform, monkeypatch):
    import ptcc.cli
    import ptcc.search.cli
    import ptcc.search.rebuild

    for slug in ("alpha", "beta", "gamma"):
        platform.write_tenant(slug)
    assert platform.run("db", "upgrade").exit_code == 0
    insert_behind_the_orm(platform.app(), "alpha", [f"Atelier {i}" for i in range(5)])
    monkeypatch.setattr(ptcc.search.rebuild, "BATCH", 2)
    monkeypatch.setattr(ptcc.search.cli, "PROGRESS_OBJECTS", 4)
    monkeypatch.setattr(ptcc.cli, "PROGRESS_EVERY", 2)

    result = platform.run("search", "reindex")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["[1/3] alpha: organisations.organisation 4/5", "[1/3] alpha: organisations.organisation 5/5",
                         "progress: 2/3" + lines[2][len("progress: 2/3"):]]
    assert re.fullmatch(r"progress: 2/3 \(\d+\.\d s\)", lines[2])
    assert re.fullmatch(SUMMARY_RE, lines[3]).groups() == ("3", "3", "0") and len(lines) == 4
    assert found(platform.app(), "alpha", "atelier")[0] == [f"Atelier {i}" for i in range(5)]


def test_a_territory_that_fails_is_named_the_others_are_reindexed(platform):
    platform.write_tenant("alpha")
    platform.write_tenant("broken", database_url=UNREACHABLE_URL)
    assert platform.run("db", "upgrade", "alpha").exit_code == 0

    result = platform.run("search", "reindex")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert re.fullmatch(LINE_RE, lines[0]).groups()[2:4] == ("alpha", "0")
    assert lines[1].startswith("[2/2] broken: FAILED: OperationalError: ")
    assert re.fullmatch(SUMMARY_RE, lines[2]).groups() == ("2", "1", "1")


def test_an_unknown_territory_is_refused(platform):
    platform.write_tenant("alpha")
    result = platform.app().test_cli_runner().invoke(args=["search", "reindex", "--tenant", "nowhere"])
    assert result.exit_code == 2 and "unknown territory: nowhere" in result.output


def test_the_upgrade_that_creates_the_index_fills_it_then_can_be_undone(platform):
    platform.write_tenant("alpha")
    upgrade_to(platform, "alpha", "volunteering@head", BEFORE_INDEX)
    app = platform.app()
    with app.app_context():
        assert "search_documents" not in sa.inspect(app.extensions["ptcc"].engines.get(
            app.extensions["ptcc"].registry.get("alpha"))).get_table_names()
        app.extensions["ptcc"].engines.dispose_all()
    insert_behind_the_orm(app, "alpha", ["Épicerie solidaire", "Ressourcerie"], ["Tenir la caisse de l'épicerie"])
    app.extensions["ptcc"].engines.dispose_all()

    assert platform.run("db", "upgrade").exit_code == 0

    app = platform.app()
    assert found(app, "alpha", "epicerie") == (["Épicerie solidaire"], ["Tenir la caisse de l'épicerie"])
    with app.app_context():
        tenant = app.extensions["ptcc"].registry.get("alpha")
        assert migrate.schema_drift(tenant) == []
        from alembic import command

        with app.extensions["ptcc"].engines.get(tenant).begin() as conn:
            command.downgrade(migrate.alembic_config(conn), BEFORE_INDEX)
        names = sa.inspect(app.extensions["ptcc"].engines.get(tenant)).get_table_names()
        assert not [name for name in names if name.startswith("search_")], names
        migrate.upgrade(tenant)
        app.extensions["ptcc"].engines.dispose_all()
    assert found(platform.app(), "alpha", "ressource") == (["Ressourcerie"], [])


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_database_built_by_create_all_gets_the_full_text_part(backend):
    """The tests' PTCC_TEST_SCHEMA=create_all shortcut builds the FTS table too."""
    from ptcc.search.models import SearchDocument

    engine = sa.create_engine("sqlite://")
    SearchDocument.__table__.create(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(SearchDocument.__table__).values(
            kind="a.b", object_id=1, title="x", body="", title_terms="jardin", body_terms="", language="",
            public=True, updated_at=sa.func.current_timestamp()))
        assert conn.exec_driver_sql(
            "SELECT rowid FROM search_documents_fts WHERE search_documents_fts MATCH '\"jard\"*'").all() == [(1,)]
    engine.dispose()


def test_a_territory_without_a_plugins_tables_indexes_the_rest(platform):
    """Core migrated, volunteering not: organisations are indexed (the missions' dependency on
    them stays silent), and the command says which kind it left out."""
    from ptcc.organisations.models import OrganisationStatus
    from tests.search.conftest import add_organisation, organisations_found

    platform.write_tenant("alpha")
    upgrade_to(platform, "alpha", "core@head")
    app = platform.app()
    with tenant_context("alpha", app=app):
        organisation = add_organisation("Ressourcerie", status="pending")
        db.session.commit()
        organisation.status = OrganisationStatus.APPROVED
        organisation.name = "Ressourcerie du Nord"
        db.session.commit()
        assert organisations_found("ressource") == ["Ressourcerie du Nord"]
        db.session.delete(organisation)
        db.session.commit()
        assert organisations_found("ressource") == []
    app.extensions["ptcc"].engines.dispose_all()

    result = platform.run("search", "reindex")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"\[1/1\] alpha: 0 documents \(organisations\.organisation 0, volunteering\.mission not "
                        r"migrated\), 0 removed in \d+\.\d s", result.output.splitlines()[0]), result.output
