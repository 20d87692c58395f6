"""The warm-up gunicorn's master runs before the first fork (config/gunicorn.conf.py): it
compiles the templates and renders a territory's home page, and leaves nothing of that
territory behind (no engine, no open file, no cached data) for the workers to inherit."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Log:
    def __init__(self):
        self.lines: list[str] = []

    def info(self, message, *args):
        self.lines.append(message % args)

    warning = info


@pytest.fixture(scope="module")
def warm_up():
    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))["warm_up"]


def test_the_warm_up_renders_then_forgets_the_territory(app, warm_up, alpha):
    assert alpha.get("/").status_code == 200  # an engine, facts and cached data to forget
    engines = app.extensions["ptcc"].engines
    app.jinja_env.cache.clear()
    log = Log()
    warm_up(app, log)
    assert len(log.lines) == 1 and log.lines[0].startswith("warm-up: "), log.lines
    assert "2 pages rendered (alpha)" in log.lines[0]  # fr and en, alpha's languages
    templates = [name for name in app.jinja_env.list_templates() if name.endswith((".html", ".txt"))]
    assert len(app.jinja_env.cache) >= len(templates)
    assert engines.cached_slugs() == [] and len(engines.facts) == 0
    assert "ptcc_cache" not in app.extensions and "ptcc_pages" not in app.extensions
    assert alpha.get("/").status_code == 200  # and everything comes back at first use


def test_without_a_migrated_territory_the_templates_are_still_compiled(app, warm_up, tmp_path):
    from ptcc.app import create_app

    tenants = tmp_path / "tenants"
    shutil.copytree(app.config["PTCC_TENANTS_PATH"], tenants)
    fresh = create_app({"SECRET_KEY": "x", "PTCC_TENANTS_PATH": str(tenants),
                        "PTCC_INSTANCE_PATH": str(tmp_path / "instance")})
    log = Log()
    warm_up(fresh, log)
    assert "0 pages rendered (no migrated territory)" in log.lines[0], log.lines
    assert fresh.extensions["ptcc"].engines.cached_slugs() == []
    assert not list((tmp_path / "instance").glob("databases/*.db"))  # no empty file made either
