"""A running application serves a territory created, disabled or removed after it started."""

from __future__ import annotations

import pytest

from ptcc.testing.clients import TerritoryClient
from tests.cli.sandbox import Platform


@pytest.fixture
def live(tmp_path):
    """A platform with one migrated territory and an application already serving it."""
    platform = Platform(tmp_path, PTCC_TENANTS_RECHECK_SECONDS=0)
    platform.write_tenant("alpha", "Territoire Alpha", hosts=["alpha.test"])
    platform.prepare_schema("alpha")
    assert platform.run("db", "upgrade").exit_code == 0
    yield platform, platform.app()
    platform.close()


def get(app, host: str, path: str = "/"):
    return app.test_client().get(path, headers={"Host": host})


def test_a_territory_created_by_the_cli_is_served_without_a_restart(live):
    platform, app = live
    assert get(app, "gamma.test").status_code == 404
    assert get(app, "localhost", "/t/gamma/").status_code == 404

    platform.prepare_schema("gamma")
    created = platform.run("tenant", "create", "gamma", "--name", "Territoire Gamma", "--host", "gamma.test",
                           "--admin-email", "admin@gamma.example", "--send-link")  # another application: the CLI
    assert created.exit_code == 0, created.output

    home = get(app, "gamma.test")
    assert home.status_code == 200 and "Territoire Gamma" in home.get_data(as_text=True)
    assert "Territoire Gamma" in get(app, "localhost", "/t/gamma/").get_data(as_text=True)
    assert "Territoire Gamma" in get(app, "localhost", "/").get_data(as_text=True)  # the platform page
    TerritoryClient(app.test_client(), "alpha.test").get("/")  # alpha unchanged
    assert "Territoire Alpha" in get(app, "alpha.test").get_data(as_text=True)


def test_unknown_hosts_look_at_the_folder_at_most_once_per_interval(live, monkeypatch):
    platform, app = live
    registry = app.extensions["ptcc"].registry
    registry.recheck_seconds = 3600
    registry._next_check = 0
    looks = []
    real = registry.files_signature
    monkeypatch.setattr(registry, "files_signature", lambda: looks.append(1) or real())

    for n in range(50):
        assert get(app, f"random-{n}.test").status_code == 404
    assert len(looks) == 1  # the first request looked; the 49 others did not

    platform.write_tenant("gamma", "Territoire Gamma", hosts=["gamma.test"])
    assert get(app, "gamma.test").status_code == 404  # not due yet
    registry._next_check = 0  # the interval has passed
    platform.prepare_schema("gamma")
    assert platform.run("db", "upgrade", "gamma").exit_code == 0
    assert get(app, "gamma.test").status_code == 200


def test_an_unchanged_folder_is_not_read_again(live, monkeypatch):
    _platform, app = live
    registry = app.extensions["ptcc"].registry
    reads = []
    real = registry.reload
    monkeypatch.setattr(registry, "reload", lambda: reads.append(1) or real())
    for _ in range(5):
        assert get(app, "alpha.test").status_code == 200
    assert reads == []


def test_a_broken_tenant_toml_keeps_the_territories_that_were_served(live, caplog):
    platform, app = live
    (platform.tenants / "broken").mkdir()
    (platform.tenants / "broken" / "tenant.toml").write_text("name = [unclosed\n", encoding="utf-8")

    assert get(app, "alpha.test").status_code == 200
    assert "not reloaded" in caplog.text and "broken" in caplog.text
    caplog.clear()
    assert get(app, "alpha.test").status_code == 200
    assert "not reloaded" not in caplog.text  # said once per change, not at every request


def test_a_removed_territory_stops_being_served_and_its_engine_goes(live):
    import shutil

    platform, app = live
    assert get(app, "alpha.test").status_code == 200
    engines = app.extensions["ptcc"].engines
    assert "alpha" in engines.cached_slugs()

    shutil.rmtree(platform.tenants / "alpha")
    assert get(app, "alpha.test").status_code == 404
    assert "alpha" not in engines.cached_slugs()


def test_a_disabled_territory_answers_503_without_reading_its_database(live):
    import tomli_w

    platform, app = live
    data = {"name": "Territoire Alpha", "hosts": ["alpha.test"], "disabled": True}
    (platform.tenants / "alpha" / "tenant.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    (platform.instance / "databases" / "alpha.db").rename(platform.instance / "elsewhere.db")  # being restored

    for host, path in (("alpha.test", "/"), ("alpha.test", "/organisations/"), ("localhost", "/t/alpha/")):
        page = get(app, host, path)
        assert page.status_code == 503, (host, path)
        assert page.headers["Retry-After"] and page.headers["Cache-Control"] == "no-store"
        assert "temporairement indisponible" in page.get_data(as_text=True)
    api = app.test_client().get("/", headers={"Host": "alpha.test", "Accept": "application/json", "Accept-Language": "en"})
    assert api.status_code == 503 and "temporarily unavailable" in api.get_json()["message"]
