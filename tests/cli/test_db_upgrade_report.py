"""`ptcc db upgrade` says what it did to each territory, sums up, and fails when one failed."""

from __future__ import annotations

import re

from ptcc import migrate
from tests.cli.sandbox import UNREACHABLE_URL

SUMMARY_RE = r"(\d+) territories in \d+\.\d s: (\d+) migrated, (\d+) up to date, (\d+) failed"


def heads_and_core_base(platform) -> tuple[str, str]:
    """The heads as the command prints them, and the core's first revision."""
    app = platform.app()
    with app.app_context():
        migrator = migrate.Migrator()
        [core_base] = [r.revision for r in migrator.script.walk_revisions()
                       if r.down_revision is None and "core" in r.branch_labels]
        return ", ".join(sorted(migrator.heads())), core_base


def upgrade_to(platform, slug: str, target: str) -> None:
    app = platform.app()
    with app.app_context():
        state = app.extensions["ptcc"]
        migrate.upgrade(state.registry.get(slug), target)
        state.engines.dispose_all()


def test_each_territory_up_to_date_migrated_or_failed_then_the_summary(platform):
    heads, core_base = heads_and_core_base(platform)
    platform.write_tenant("alpha", "Alpha")
    platform.write_tenant("broken", "Broken", database_url=UNREACHABLE_URL)
    platform.write_tenant("delta", "Delta")
    platform.write_tenant("gamma", "Gamma")
    upgrade_to(platform, "delta", core_base)
    upgrade_to(platform, "gamma", "heads")

    result = platform.run("db", "upgrade")

    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"[1/4] alpha: migrated (base → {heads})"
    assert lines[1].startswith("[2/4] broken: FAILED: OperationalError: ")
    assert lines[2] == f"[3/4] delta: migrated ({core_base} → {heads})"
    assert lines[3] == "[4/4] gamma: up to date"
    assert re.fullmatch(SUMMARY_RE, lines[4]).groups() == ("4", "2", "1", "1")
    assert len(lines) == 5

    again = platform.run("db", "upgrade", "alpha", "delta", "gamma")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[:3] == ["[1/3] alpha: up to date", "[2/3] delta: up to date",
                                             "[3/3] gamma: up to date"]
    assert re.fullmatch(SUMMARY_RE, again.output.splitlines()[3]).groups() == ("3", "0", "3", "0")


def test_many_territories_get_a_progress_line_every_50(make_platform):
    """Beyond 50 territories the up-to-date ones are only counted; changes and failures
    are still named, one line each."""
    platform = make_platform("sqlite")
    path = platform.root / "territories.csv"
    path.write_text("slug,name\n" + "".join(f"t{n:03d},T {n}\n" for n in range(1, 61)), encoding="utf-8")
    created = platform.run("tenant", "create", "--from-file", str(path))
    assert created.exit_code == 0, created.output
    assert "progress: 50/60 (" in created.output
    platform.write_tenant("t030-broken", "Broken", database_url=UNREACHABLE_URL)
    platform.write_tenant("t061", "New")

    result = platform.run("db", "upgrade")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("[31/62] t030-broken: FAILED: OperationalError: ")
    assert re.fullmatch(r"progress: 50/62 \(\d+\.\d s\)", lines[1])
    assert lines[2].startswith("[62/62] t061: migrated (base → ")
    assert re.fullmatch(SUMMARY_RE, lines[3]).groups() == ("62", "1", "60", "1")
    assert len(lines) == 4
