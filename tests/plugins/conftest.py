"""A fresh application whose plugins folder holds the sample plugin (``sample_plugins/``).

Territories: alpha enables ``sample``; beta does not; gamma's database has only
the core's migrations (its tables for ``sample`` are missing). All three are
migrated once per backend; tables are emptied after each test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import tomli_w

from ptcc.testing.clients import TerritoryClient
from ptcc.testing.factories import DEFAULT_PASSWORD, make_user_factory
from ptcc.testing.pytest_plugin import PG_ADMIN_URL, empty_all_tables, postgres_available

SAMPLE_PLUGINS = Path(__file__).resolve().parent / "sample_plugins"
HOSTS = {"alpha": "alpha.test", "beta": "beta.test", "gamma": "gamma.test"}
PLUGINS = {"alpha": ["sample"], "beta": [], "gamma": []}


def write_tenants(folder: Path) -> None:
    for slug, host in HOSTS.items():
        (folder / slug).mkdir(parents=True, exist_ok=True)
        (folder / slug / "tenant.toml").write_text(tomli_w.dumps({
            "name": f"Territoire {slug.title()}", "hosts": [host], "default_locale": "fr",
            "locales": ["fr", "en"], "timezone": "Europe/Paris", "plugins": PLUGINS[slug],
        }))


@pytest.fixture(scope="session")
def plugin_config(ptcc_backend, tmp_path_factory, worker_id_suffix):
    root = tmp_path_factory.mktemp(f"plugins-{ptcc_backend}")
    write_tenants(root / "tenants")
    config = {
        "TESTING": True,
        "SECRET_KEY": "plugin-tests-secret",
        "PTCC_TENANTS_PATH": str(root / "tenants"),
        "PTCC_INSTANCE_PATH": str(root / "instance"),
        "PTCC_PLUGINS_PATH": str(SAMPLE_PLUGINS),
        "PTCC_MAIL_BACKEND": "file",
        "PTCC_LOGIN_LIMIT_PER_IP": "1000 per minute",
        "PTCC_LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
    }
    if ptcc_backend == "postgresql":
        reason = postgres_available()
        if reason:
            if os.environ.get("PTCC_REQUIRE_POSTGRES") == "1":
                pytest.fail(reason)
            pytest.skip(reason)
        config["PTCC_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/ptcc_plugtest{worker_id_suffix}_{{tenant}}"
    return config


@pytest.fixture(scope="session")
def _plugin_session_app(plugin_config):
    from ptcc import migrate
    from ptcc.app import create_app

    app = create_app(plugin_config)
    with app.app_context():
        state = app.extensions["ptcc"]
        for tenant in state.registry:
            state.engines.drop_database(tenant)
            migrate.upgrade(tenant, "core@head" if tenant.slug == "gamma" else "heads")
    yield app
    with app.app_context():
        for tenant in app.extensions["ptcc"].registry:
            if plugin_config.get("PTCC_DATABASE_URL"):
                app.extensions["ptcc"].engines.drop_database(tenant)
        app.extensions["ptcc"].engines.dispose_all()


@pytest.fixture
def plugin_app(_plugin_session_app):
    from ptcc.extensions import limiter

    yield _plugin_session_app
    empty_all_tables(_plugin_session_app)
    limiter.reset()


@pytest.fixture
def site(plugin_app):
    """``site("alpha")``: a client on that territory of the plugin application."""
    return lambda slug="alpha": TerritoryClient(plugin_app.test_client(), HOSTS[slug])


@pytest.fixture
def plugin_user(plugin_app):
    return make_user_factory(plugin_app)


@pytest.fixture
def signed_in_admin(site, plugin_user):
    def make(slug="alpha"):
        user = plugin_user(tenant=slug, role="admin", locale="en")
        client = site(slug)
        client.login(user.email, DEFAULT_PASSWORD)
        return client

    return make


@pytest.fixture
def in_plugin_territory(plugin_app):
    from ptcc.tenancy import tenant_context

    return lambda slug="alpha": tenant_context(slug, app=plugin_app)
