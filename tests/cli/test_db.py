"""`ptcc db upgrade`: every territory, progress output, failures reported without stopping."""

from __future__ import annotations

import re

from ptcc import migrate
from tests.cli.sandbox import UNREACHABLE_URL


def states(platform) -> dict[str, str]:
    app = platform.app()
    with app.app_context():
        result = {}
        for tenant in app.extensions["ptcc"].registry:
            try:
                result[tenant.slug] = migrate.migration_state(tenant)
            except Exception as exc:
                result[tenant.slug] = type(exc).__name__
        app.extensions["ptcc"].engines.dispose_all()
        return result


def test_upgrade_migrates_every_territory_and_reports_the_broken_one(platform):
    platform.write_tenant("alpha", "Alpha", hosts=["alpha.localhost"])
    platform.write_tenant("broken", "Broken", database_url=UNREACHABLE_URL)
    platform.write_tenant("gamma", "Gamma", hosts=["gamma.localhost"])

    result = platform.run("db", "upgrade")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("[1/3] alpha: migrated (base → ")
    assert lines[1].startswith("[2/3] broken: FAILED: OperationalError")
    assert lines[2].startswith("[3/3] gamma: migrated (base → ")  # the failure did not stop the loop
    assert re.fullmatch(r"3 territories in \d+\.\d s: 2 migrated, 0 up to date, 1 failed", lines[-1])
    assert states(platform) == {"alpha": "up to date", "broken": "OperationalError", "gamma": "up to date"}


def test_upgrade_is_idempotent_and_accepts_a_selection(platform):
    platform.write_tenant("alpha", "Alpha")
    platform.write_tenant("gamma", "Gamma")

    first = platform.run("db", "upgrade", "gamma")
    assert first.exit_code == 0, first.output
    first_lines = first.output.splitlines()
    assert len(first_lines) == 2 and first_lines[0].startswith("[1/1] gamma: migrated (base → ")
    assert first_lines[1].endswith(": 1 migrated, 0 up to date, 0 failed")
    assert states(platform) == {"alpha": "missing", "gamma": "up to date"}

    again = platform.run("db", "upgrade")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines()[-1].endswith(": 1 migrated, 1 up to date, 0 failed")
    assert states(platform) == {"alpha": "up to date", "gamma": "up to date"}


def test_unknown_territory_is_a_usage_error(platform):
    platform.write_tenant("alpha", "Alpha")
    result = platform.run("db", "upgrade", "alpha", "nowhere")
    assert result.exit_code == 2
    assert "unknown territory: nowhere" in result.output
    assert states(platform) == {"alpha": "missing"}


def test_check_reports_no_drift_after_upgrade(platform):
    import os

    import pytest

    if os.environ.get("PTCC_TEST_SCHEMA") == "create_all":
        pytest.skip("models may be ahead of the migrations while PTCC_TEST_SCHEMA=create_all")
    platform.write_tenant("alpha", "Alpha")
    assert platform.run("db", "upgrade").exit_code == 0
    result = platform.run("db", "check")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "alpha: no drift"
