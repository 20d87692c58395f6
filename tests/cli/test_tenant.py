"""`ptcc tenant create` and `ptcc tenant list`, through the real commands."""

from __future__ import annotations

import tomllib

import pytest
import sqlalchemy as sa

from ptcc import migrate
from ptcc.extensions import db
from ptcc.testing.clients import TerritoryClient

PASSWORD = "un-mot-de-passe-solide"


def users_of(platform, slug):
    from ptcc.accounts.models import User
    from ptcc.tenancy import tenant_context

    app = platform.app()
    with tenant_context(slug, app=app):
        rows = db.session.scalars(sa.select(User).order_by(User.id)).all()
        return [(u.email, u.role.value, u.check_password(PASSWORD)) for u in rows]


def outbox_of(platform, slug):
    from ptcc.outbox.models import OutboxMessage
    from ptcc.tenancy import tenant_context

    app = platform.app()
    with tenant_context(slug, app=app):
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(m.recipient, m.subject, m.body, m.sent_at) for m in rows]


def create_lyon(platform, *extra, input=f"{PASSWORD}\n{PASSWORD}\n"):
    platform.prepare_schema("lyon")
    return platform.run("tenant", "create", "lyon", "--name", "Lyon Métropole", "--host", "lyon.localhost",
                        "--admin-email", "admin@lyon.example", "--admin-name", "Camille Martin", *extra,
                        input=input)


def test_create_writes_the_file_migrates_and_makes_the_administrator(platform):
    result = create_lyon(platform)

    assert result.exit_code == 0, result.output
    assert "administrator admin@lyon.example created" in result.output
    data = tomllib.loads((platform.tenants / "lyon" / "tenant.toml").read_text(encoding="utf-8"))
    assert data["name"] == "Lyon Métropole"
    assert data["hosts"] == ["lyon.localhost"]
    assert data["default_locale"] == "fr" and data["locales"] == ["fr", "en"]
    assert data["timezone"] == "Europe/Paris"
    assert users_of(platform, "lyon") == [("admin@lyon.example", "admin", True)]

    app = platform.app()
    with app.app_context():
        assert migrate.migration_state(app.extensions["ptcc"].registry.get("lyon")) == "up to date"
    lyon = TerritoryClient(app.test_client(), "lyon.localhost")
    home = lyon.get("/")
    assert home.status_code == 200 and "Lyon Métropole" in home.get_data(as_text=True)
    lyon.login("admin@lyon.example", PASSWORD)


def test_create_with_send_link_queues_a_set_password_mail(platform):
    result = create_lyon(platform, "--send-link", input=None)

    assert result.exit_code == 0, result.output
    assert "set-password link" in result.output
    assert users_of(platform, "lyon") == [("admin@lyon.example", "admin", False)]
    [(recipient, subject, body, sent_at)] = outbox_of(platform, "lyon")
    assert recipient == "admin@lyon.example" and subject and sent_at is None
    assert "http://lyon.localhost" in body  # the link points at the territory's own host

    sent = platform.run("outbox", "run")
    assert sent.exit_code == 0, sent.output
    assert "lyon: 1 sent, 0 failed, 0 waiting" in sent.output
    [eml] = (platform.instance / "mail").glob("*.eml")
    assert "admin@lyon.example" in eml.read_text(encoding="utf-8")


def test_a_short_password_is_refused_before_anything_is_written(platform):
    result = create_lyon(platform, input="court\ncourt\n")

    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert not (platform.tenants / "lyon" / "tenant.toml").exists()


def test_different_confirmation_is_refused(platform):
    result = create_lyon(platform, input=f"{PASSWORD}\nautre-chose-encore\n")

    assert result.exit_code != 0
    assert not (platform.tenants / "lyon" / "tenant.toml").exists()


def test_duplicate_slug_is_refused_with_a_clear_message(platform):
    original = platform.write_tenant("lyon", "Lyon Métropole", hosts=["lyon.localhost"])
    before = original.read_text(encoding="utf-8")

    result = platform.run("tenant", "create", "lyon", "--name", "Autre Lyon", "--admin-email", "x@example.org",
                          input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code != 0
    assert "territory 'lyon' already exists" in result.output
    assert original.read_text(encoding="utf-8") == before


def test_duplicate_host_is_refused_with_a_clear_message(platform):
    platform.write_tenant("lyon", "Lyon Métropole", hosts=["lyon.localhost"])

    result = platform.run("tenant", "create", "villeurbanne", "--name", "Villeurbanne", "--host", "LYON.localhost",
                          "--admin-email", "x@example.org", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code != 0
    assert "host 'lyon.localhost' already belongs to lyon" in result.output
    assert not (platform.tenants / "villeurbanne").exists()
    assert not (platform.instance / "databases" / "villeurbanne.db").exists()


@pytest.mark.parametrize("slug, host, message", [
    ("Lyon", "lyon.localhost", "invalid territory slug"),
    ("lyon", "pas un hôte", "invalid host name"),
])
def test_invalid_slug_or_host_is_refused_and_the_registry_stays_readable(platform, slug, host, message):
    result = platform.run("tenant", "create", slug, "--name", "Lyon", "--host", host,
                          "--admin-email", "x@example.org", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code != 0
    assert message in result.output
    assert not any(platform.tenants.iterdir())
    assert platform.run("tenant", "list").exit_code == 0


def test_list_shows_hosts_database_and_migration_state(platform):
    from tests.cli.sandbox import UNREACHABLE_URL

    platform.write_tenant("lyon", "Lyon Métropole", hosts=["lyon.localhost", "lyon.example.org"])
    platform.write_tenant("nantes", "Nantes", hosts=["nantes.localhost"])
    platform.write_tenant("quimper", "Quimper", database_url=UNREACHABLE_URL)
    assert platform.run("db", "upgrade", "lyon").exit_code == 0

    result = platform.run("tenant", "list")

    assert result.exit_code == 0, result.output
    lines = {line.split("\t")[0]: line for line in result.output.splitlines()}
    assert set(lines) == {"lyon", "nantes", "quimper"}
    assert "Lyon Métropole" in lines["lyon"]
    assert "hosts=lyon.localhost,lyon.example.org" in lines["lyon"]
    assert lines["lyon"].endswith("up to date")
    assert lines["nantes"].endswith("missing")
    assert "hosts=-" in lines["quimper"] and "unreachable" in lines["quimper"]
    if platform.backend == "sqlite":
        assert f"db=sqlite:///{platform.instance / 'databases' / 'lyon.db'}" in lines["lyon"]
    else:
        assert "db=postgresql+psycopg://postgres@127.0.0.1:5432/ptcc_clitest" in lines["lyon"]
        assert lines["lyon"].split("\t")[3].endswith("_lyon")


def test_list_without_territories_says_how_to_create_one(platform):
    result = platform.run("tenant", "list")
    assert result.exit_code == 0
    assert "ptcc tenant create" in result.output
