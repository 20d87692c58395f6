"""``ptcc plugin list`` and ``ptcc plugin new``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ptcc.tenancy.models import TerritorySettings
from ptcc.extensions import db


def test_plugin_list_shows_versions_and_territories(plugin_app, in_plugin_territory):
    with in_plugin_territory("gamma"):
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="",
                                         timezone="", primary_color="", accent_color="", logo_filename="",
                                         plugins=["sample"]))
        db.session.commit()
    result = plugin_app.test_cli_runner().invoke(args=["plugin", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    sample = lines.index(next(line for line in lines if line.startswith("sample\t")))
    assert lines[sample] == "sample\t1.2.3\tSample notes"
    assert lines[sample + 1].strip().endswith("sample_plugins/sample")
    enabled = lines[sample + 2]
    assert "alpha" in enabled and "beta" not in enabled
    assert "gamma (tables missing: run `ptcc db upgrade gamma`)" in enabled
    assert "core (always enabled): web 0.1.0" in result.output


def test_plugin_new_refuses_bad_or_taken_names(plugin_app, tmp_path):
    runner = plugin_app.test_cli_runner()
    taken = runner.invoke(args=["plugin", "new", "sample", "--path", str(tmp_path)])
    assert taken.exit_code != 0 and "already installed" in taken.output
    bad = runner.invoke(args=["plugin", "new", "Bad-Name", "--path", str(tmp_path)])
    assert bad.exit_code != 0 and "lowercase" in bad.output
    (tmp_path / "garden").mkdir()
    exists = runner.invoke(args=["plugin", "new", "garden", "--path", str(tmp_path)])
    assert exists.exit_code != 0 and "already exists" in exists.output


def test_plugin_new_writes_a_complete_package(plugin_app, tmp_path):
    result = plugin_app.test_cli_runner().invoke(args=["plugin", "new", "garden_club", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "garden_club"
    package = root / "ptcc_garden_club"
    for relative in ("pyproject.toml", "ptcc_garden_club/__init__.py", "ptcc_garden_club/blueprint.py",
                     "ptcc_garden_club/views.py", "ptcc_garden_club/models.py",
                     "ptcc_garden_club/templates/garden_club/index.html",
                     "ptcc_garden_club/translations/fr/LC_MESSAGES/garden_club.po", "tests/test_garden_club.py"):
        assert (root / relative).is_file(), relative
    assert 'garden_club = "ptcc_garden_club"' in (root / "pyproject.toml").read_text()
    assert '__tablename__ = "garden_club_items"' in (package / "models.py").read_text()
    (migration,) = (package / "migrations" / "versions").glob("*.py")
    text = migration.read_text()
    assert "branch_labels = ('garden_club',)" in text
    with plugin_app.app_context():
        from alembic.script import ScriptDirectory

        from ptcc.migrate import alembic_config

        core_head = ScriptDirectory.from_config(alembic_config()).get_revision("core@head").revision
    assert f"depends_on = '{core_head}'" in text


@pytest.mark.slow
def test_a_scaffolded_plugin_passes_its_own_tests(tmp_path):
    """The generated package, found through PTCC_PLUGINS_PATH (nothing is installed in the
    venv), runs its generated tests with PTCC's published pytest plugin."""
    plugins = tmp_path / "plugins"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PTCC_")}
    env["PTCC_PLUGINS_PATH"] = str(plugins)
    env["PTCC_TENANTS_PATH"] = str(tmp_path / "tenants")
    env["PTCC_INSTANCE_PATH"] = str(tmp_path / "instance")
    ptcc = Path(sys.executable).parent / "ptcc"
    made = subprocess.run([str(ptcc), "plugin", "new", "bird_watch"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr + made.stdout
    assert (plugins / "bird_watch" / "tests" / "test_bird_watch.py").is_file()
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "--ptcc-backends", "sqlite"],
                            cwd=plugins / "bird_watch", env=env, capture_output=True, text=True, timeout=300)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-2000:]
    assert "3 passed" in tested.stdout
    # The plugin was never installed in the shared environment.
    from importlib.metadata import entry_points

    assert "bird_watch" not in {ep.name for ep in entry_points(group="ptcc.plugins")}
