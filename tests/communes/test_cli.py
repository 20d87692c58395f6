"""``ptcc communes import | unmatched | assign``."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.audit.models import AuditEntry
from ptcc.communes.models import Commune
from ptcc.extensions import db
from ptcc.organisations.models import Organisation
from tests.communes.conftest import FIXTURE, LYON


def test_import_prints_progress_and_lists_unmatched(runner, declare, in_territory):
    declare("alpha", LYON)
    with in_territory():
        db.session.add(Organisation(slug="velo", name="Vélo", kind="association", commune="Villeurbane"))
        db.session.add(Organisation(slug="lyon", name="Lyon", kind="association", commune="lyon"))
        db.session.commit()
    result = runner.invoke(args=["communes", "import", "--tenant", "alpha", "--source", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "alpha: EPCI 200046977" in result.output
    assert "6 communes in the official list" in result.output
    assert "6 added, 0 renamed, 0 updated, 0 unchanged, 0 removed" in result.output
    assert "1 organisation(s) linked" in result.output
    assert "velo: 'Villeurbane' — perhaps Villeurbanne (69266)" in result.output
    again = runner.invoke(args=["communes", "import", "--tenant", "alpha", "--source", str(FIXTURE)])
    assert "0 added, 0 renamed, 0 updated, 6 unchanged, 0 removed" in again.output

    listed = runner.invoke(args=["communes", "unmatched", "--tenant", "alpha"])
    assert "1 organisation(s) without a commune" in listed.output and "velo" in listed.output
    fixed = runner.invoke(args=["communes", "assign", "--tenant", "alpha", "velo", "69266"])
    assert fixed.exit_code == 0, fixed.output
    with in_territory():
        velo = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "velo"))
        assert (velo.commune_code, velo.commune) == ("69266", "Villeurbanne")
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.commune_assigned"))
        assert entry.details["changes"]["commune"]["old"] == "Villeurbane"
    assert "0 organisation(s)" in runner.invoke(args=["communes", "unmatched", "--tenant", "alpha"]).output


def test_errors_are_clear_and_change_nothing(runner, declare, in_territory, tmp_path):
    result = runner.invoke(args=["communes", "import", "--tenant", "alpha", "--source", str(FIXTURE)])
    assert result.exit_code == 1 and "declares no communes" in result.output
    declare("alpha", LYON)
    missing = runner.invoke(args=["communes", "import", "--tenant", "alpha", "--source", str(tmp_path)])
    assert missing.exit_code == 1 and "no such file" in missing.output and "make install" in missing.output
    declare("alpha", {"epci": ["123456789"]})
    unknown = runner.invoke(args=["communes", "import", "--tenant", "alpha", "--source", str(FIXTURE)])
    assert unknown.exit_code == 1 and "unknown EPCI" in unknown.output
    assert runner.invoke(args=["communes", "import"]).exit_code == 2
    assert runner.invoke(args=["communes", "import", "--tenant", "nowhere"]).exit_code == 2
    with in_territory():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Commune)) == 0
    bad = runner.invoke(args=["communes", "assign", "--tenant", "alpha", "nobody", "69123"])
    assert bad.exit_code == 1


def test_all_skips_territories_that_declare_nothing(runner, declare, in_territory):
    declare("beta", {"epci": ["246900724"]})
    result = runner.invoke(args=["communes", "import", "--all", "--source", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "alpha: declares no communes" in result.output and "beta: EPCI 246900724" in result.output
    with in_territory("beta"):
        assert list(db.session.scalars(sa.select(Commune.name))) == ["Brindas"]
