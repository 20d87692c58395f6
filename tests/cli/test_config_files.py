"""The example configuration files load, and say what they promise."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from ptcc.app import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folders(tmp_path):
    from tests.cli.sandbox import Platform

    platform = Platform(tmp_path)
    platform.write_tenant("alpha", "Territoire Alpha", hosts=["alpha.test"])
    return {"PTCC_TENANTS_PATH": str(platform.tenants), "PTCC_INSTANCE_PATH": str(platform.instance)}


def test_production_example_gives_secure_cookies_and_hsts(monkeypatch, folders):
    monkeypatch.setenv("PTCC_CONFIG", str(ROOT / "config" / "production.example.py"))
    monkeypatch.setenv("PTCC_SECRET_KEY", "a-production-secret-key-from-the-environment")

    app = create_app(folders)

    assert app.config["PTCC_ENV"] == "production"
    assert app.config["SECRET_KEY"] == "a-production-secret-key-from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PTCC_PUBLIC_SCHEME"] == "https"
    assert app.config["PTCC_PATH_PREFIX"] is False
    assert app.config["PTCC_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "{tenant}" in app.config["PTCC_DATABASE_URL"]
    assert app.config["PTCC_REDIS_URL"].startswith("redis://")
    assert app.config["RATELIMIT_STORAGE_URI"] == app.config["PTCC_REDIS_URL"]

    client = app.test_client()
    response = client.get("/healthz", headers={"Host": "localhost"})
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    # No /t/<slug>/ paths in production: territories answer on their own host only.
    assert client.get("/t/alpha/", headers={"Host": "localhost"}).status_code == 404


def test_production_example_refuses_to_start_without_a_secret_key(monkeypatch, folders):
    monkeypatch.setenv("PTCC_CONFIG", str(ROOT / "config" / "production.example.py"))
    monkeypatch.delenv("PTCC_SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="PTCC_SECRET_KEY"):
        create_app(folders)


def test_environment_wins_over_the_file(monkeypatch, folders):
    monkeypatch.setenv("PTCC_CONFIG", str(ROOT / "config" / "production.example.py"))
    monkeypatch.setenv("PTCC_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PTCC_DATABASE_URL", "postgresql+psycopg://ptcc@db.internal/ptcc_{tenant}")

    app = create_app(folders)

    assert app.config["PTCC_DATABASE_URL"] == "postgresql+psycopg://ptcc@db.internal/ptcc_{tenant}"


def test_development_example_loads(monkeypatch, folders):
    monkeypatch.setenv("PTCC_CONFIG", str(ROOT / "config" / "development.example.py"))
    monkeypatch.delenv("PTCC_SECRET_KEY", raising=False)

    app = create_app(folders)

    assert app.config["PTCC_ENV"] == "development"
    assert app.config["PTCC_OUTBOX_INLINE"] is True
    assert app.config["SECRET_KEY"]  # generated in the instance folder
    response = app.test_client().get("/healthz", headers={"Host": "localhost"})
    assert "Strict-Transport-Security" not in response.headers


def test_gunicorn_config_reads_the_environment(monkeypatch):
    monkeypatch.setenv("PTCC_BIND", "0.0.0.0:9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))

    assert settings["bind"] == "0.0.0.0:9123"
    assert settings["workers"] == 3
    assert settings["preload_app"] is True
    assert callable(settings["post_fork"])
    assert "%({host}i)s" in settings["access_log_format"]

    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.delenv("PTCC_BIND")
    defaults = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert defaults["bind"] == "127.0.0.1:8000"
    assert 3 <= defaults["workers"] <= 8


def test_redis_key_prefixes_come_from_the_environment(monkeypatch, folders):
    """Two deployments sharing one Redis keep apart only if each sets its own prefixes."""
    monkeypatch.setenv("PTCC_CACHE_PREFIX", "second-site:")
    monkeypatch.setenv("PTCC_RATELIMIT_KEY_PREFIX", "second-site-limits")
    app = create_app()
    assert app.config["PTCC_CACHE_PREFIX"] == "second-site:"
    assert app.config["RATELIMIT_KEY_PREFIX"] == "second-site-limits"
    assert app.extensions["ptcc"].engines.redis_prefix == "second-site:"
