"""`ptcc demo`: two living demo territories, built once, rebuilt on request."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from ptcc.testing.clients import TerritoryClient

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-ptcc-2026"


@pytest.fixture
def demo(platform):
    """A platform holding a copy of the repository's demo tenants/."""
    shutil.copytree(ROOT / "tenants", platform.tenants, dirs_exist_ok=True)
    for slug in ("lyon", "broceliande"):
        platform.prepare_schema(slug)
    return platform


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def snapshot(platform) -> dict:
    """What each demo territory holds, in numbers."""
    from ptcc.accounts.models import Role, User
    from ptcc.audit.models import AuditEntry

    app = platform.app()
    result = {}
    for slug in ("lyon", "broceliande"):
        with tenant_context(slug, app=app):
            result[slug] = {
                "people": count(User),
                "admins": count(User, User.role == Role.ADMIN),
                "moderators": count(User, User.role == Role.MODERATOR),
                "unverified": count(User, User.email_verified_at.is_(None)),
                "audit": count(AuditEntry),
                **organisation_counts(),
            }
    app.extensions["ptcc"].engines.dispose_all()
    return result


def organisation_counts() -> dict:
    from stdnum.fr import siren

    from ptcc.audit.models import AuditEntry
    from ptcc.organisations import models as m

    organisations = db.session.scalars(sa.select(m.Organisation)).all()
    approved = [o for o in organisations if o.status == m.OrganisationStatus.APPROVED]
    return {
        "organisations": len(organisations),
        "kinds": len({o.kind for o in organisations}),
        "approved": len(approved),
        "approvals_audited": count(AuditEntry, AuditEntry.action == "organisation.approved"),
        "without_owner": sum(1 for o in organisations if not db.session.scalar(
            sa.select(m.Membership.id).where(m.Membership.organisation_id == o.id,
                                             m.Membership.role == m.MembershipRole.OWNER).limit(1))),
        "sirens": sorted(o.siren for o in organisations if o.siren),
        "invalid_sirens": [o.siren for o in organisations if o.siren and not siren.is_valid(o.siren)],
        "with_topics": sum(1 for o in organisations if o.topics),
        "signers": count(m.Membership, m.Membership.may_sign.is_(True)),
        "pending_requests": count(m.Membership, m.Membership.status == m.MembershipStatus.PENDING),
    }


def test_demo_builds_both_territories_once(demo):
    result = demo.run("demo")

    assert result.exit_code == 0, result.output
    output = result.output
    assert "Lyon Métropole (lyon)" in output and "Pays de Brocéliande (broceliande)" in output
    assert "http://localhost:5000/t/lyon/" in output and "http://lyon.localhost:5000/" in output
    assert "http://localhost:5000/t/broceliande/" in output and "http://broceliande.localhost:5000/" in output
    assert "admin@lyon.demo" in output and "admin@broceliande.demo" in output and DEMO_PASSWORD in output

    numbers = snapshot(demo)
    for slug, n in numbers.items():
        assert n["people"] >= 5, slug
        assert n["admins"] == 1 and n["moderators"] == 1 and n["unverified"] == 0, slug
        assert n["audit"] > 0, slug
        assert 6 <= n["organisations"] <= 10, slug
        assert n["kinds"] >= 5, slug
        assert 0 < n["approved"] < n["organisations"], slug  # some wait for the moderators
        assert n["approvals_audited"] == n["approved"], slug
        assert n["without_owner"] == 0 and n["signers"] >= 1, slug
        assert n["sirens"] and n["invalid_sirens"] == [], slug
        assert n["with_topics"] == n["organisations"], slug
        assert n["pending_requests"] >= 1, slug

    # Each territory's communes from the official list (make install), every organisation linked to its own.
    if (ROOT / "node_modules/@etalab/decoupage-administratif/data/communes.json").is_file():
        assert re.search(r"58 communes from the official list, \d+ organisations linked", output), output
        assert output.count("communes from the official list") == 2 and "not on the list" not in output
        with tenant_context("lyon", app=demo.app()):
            from ptcc.organisations.models import Organisation

            assert count(Organisation, Organisation.commune_code.is_(None)) == 0

    # Plugins add their own demo content where the territory enables them.
    assert "missions" in output
    app = demo.app()
    lyon_missions = TerritoryClient(app.test_client(), "lyon.localhost").get("/missions/")
    assert lyon_missions.status_code == 200 and "Atelier d" in lyon_missions.get_data(as_text=True)
    assert TerritoryClient(app.test_client(), "broceliande.localhost").get("/missions/").status_code == 404

    # The demo accounts work, and the home page shows the presentation text.
    app = demo.app()
    lyon = TerritoryClient(app.test_client(), "lyon.localhost")
    home = lyon.get("/").get_data(as_text=True)
    assert "Lyon Métropole" in home and "espace coopératif" in home
    # The legal pages' defaults read the demo's publisher and contacts.
    notice = lyon.get("/legal/notice", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Coopérative numérique de Lyon Métropole" in notice and "non renseigné" not in notice
    statement = lyon.get("/legal/accessibility", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "partiellement conforme" in statement and "accessibilite@lyon.demo" in statement
    privacy = TerritoryClient(app.test_client(), "broceliande.localhost").get("/legal/privacy")
    assert "dpo@broceliande.demo" in privacy.get_data(as_text=True)
    lyon.login("admin@lyon.demo", DEMO_PASSWORD)
    broceliande = TerritoryClient(app.test_client(), "localhost", "/t/broceliande")
    broceliande.login("moderation@broceliande.demo", DEMO_PASSWORD)

    again = demo.run("demo")
    assert again.exit_code == 0, again.output
    assert again.output.count("already has data, skipped") == 2
    assert snapshot(demo) == numbers


def test_reset_asks_for_confirmation(demo):
    from ptcc.accounts.models import User

    assert demo.run("demo").exit_code == 0
    before = snapshot(demo)

    refused = demo.run("demo", "--reset", input="n\n")

    assert refused.exit_code == 1
    assert "Aborted" in refused.output
    assert snapshot(demo) == before
    with tenant_context("lyon", app=demo.app()):
        assert db.session.scalar(sa.select(User.email).where(User.email == "admin@lyon.demo"))


@pytest.mark.skipif(os.environ.get("PTCC_TEST_SCHEMA") == "create_all",
                    reason="--reset rebuilds the databases with the migrations, which may lag the models here")
def test_reset_rebuilds_the_demo(demo):
    from ptcc.accounts.models import User

    assert demo.run("demo").exit_code == 0
    before = snapshot(demo)
    with tenant_context("lyon", app=demo.app()):
        db.session.add(User(email="extra@lyon.demo", display_name="Extra", password_hash="x"))
        db.session.commit()

    rebuilt = demo.run("demo", "--reset", "--yes")

    assert rebuilt.exit_code == 0, rebuilt.output
    assert rebuilt.output.count("database deleted") == 2
    assert "already has data" not in rebuilt.output
    assert snapshot(demo) == before
    with tenant_context("lyon", app=demo.app()):
        assert db.session.scalar(sa.select(User).where(User.email == "extra@lyon.demo")) is None


def test_demo_without_demo_territories_says_so(platform):
    result = platform.run("demo")
    assert result.exit_code == 1
    assert "no demo territory" in result.output
