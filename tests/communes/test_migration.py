"""The migration that adds the communes, on a territory with organisations already: nothing is
lost (no table rebuilt), the free-text communes are linked by the import, and it can be undone."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc import migrate
from tests.cli.conftest import make_platform, platform  # noqa: F401  (fixtures)
from tests.communes.conftest import FIXTURE

BEFORE = "b5d2e8c41f70"


def _rows(app, slug, sql):
    with app.app_context():
        engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get(slug))
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()


def test_existing_organisations_keep_everything_and_get_linked(platform):  # noqa: F811
    platform.write_tenant("alpha", communes={"epci": ["200046977"]})
    app = platform.app()
    with app.app_context():
        state = app.extensions["ptcc"]
        tenant = state.registry.get("alpha")
        migrate.upgrade(tenant, f"core@{BEFORE}")
        with state.engines.get(tenant).begin() as conn:
            conn.execute(sa.text("INSERT INTO users (id, email, display_name, password_hash, role, locale, "
                                 "auth_version, created_at) VALUES (1, 'a@example.org', 'A', '', 'member', '', 1, "
                                 "CURRENT_TIMESTAMP)"))
            for n, commune in enumerate(("Vénissieux", "SAINTE FOY LES LYON", "Lyon 7e"), 1):
                conn.execute(sa.text(
                    "INSERT INTO organisations (id, slug, name, kind, circle, description, commune, website, rna, "
                    "siren, siret, status, refusal_reason, created_at, updated_at) VALUES "
                    f"({n}, 'o{n}', 'O{n}', 'association', 'first', '', :commune, '', '', '', '', 'approved', '', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"commune": commune})
                conn.execute(sa.text("INSERT INTO memberships (organisation_id, user_id, role, may_sign, status, "
                                     f"created_at) VALUES ({n}, 1, 'owner', true, 'active', CURRENT_TIMESTAMP)"))
        state.engines.dispose_all()

    assert platform.run("db", "upgrade", "alpha").exit_code == 0
    app = platform.app()
    assert len(_rows(app, "alpha", "SELECT * FROM memberships")) == 3
    assert _rows(app, "alpha", "SELECT commune, commune_code FROM organisations ORDER BY id") == [
        ("Vénissieux", None), ("SAINTE FOY LES LYON", None), ("Lyon 7e", None)]

    result = platform.run("communes", "import", "--tenant", "alpha", "--source", str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert "2 organisation(s) linked" in result.output and "o3: 'Lyon 7e'" in result.output
    app = platform.app()
    assert _rows(app, "alpha", "SELECT commune, commune_code FROM organisations ORDER BY id") == [
        ("Vénissieux", "69259"), ("Sainte-Foy-lès-Lyon", "69202"), ("Lyon 7e", None)]

    with app.app_context():
        from alembic import command

        tenant = app.extensions["ptcc"].registry.get("alpha")
        with app.extensions["ptcc"].engines.get(tenant).begin() as conn:
            command.downgrade(migrate.alembic_config(conn), BEFORE)
        app.extensions["ptcc"].engines.dispose_all()
    assert len(_rows(app, "alpha", "SELECT * FROM memberships")) == 3
    assert [row[0] for row in _rows(app, "alpha", "SELECT commune FROM organisations ORDER BY id")] == [
        "Vénissieux", "Sainte-Foy-lès-Lyon", "Lyon 7e"]
