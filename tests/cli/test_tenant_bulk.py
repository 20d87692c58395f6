"""`ptcc tenant create --from-file`: many territories from TOML or CSV, through the real command."""

from __future__ import annotations

import os
import re
import tomllib
from textwrap import dedent

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.testing.clients import TerritoryClient
from tests.cli.sandbox import UNREACHABLE_URL

needs_real_migrations = pytest.mark.skipif(
    os.environ.get("PTCC_TEST_SCHEMA") == "create_all",
    reason="bulk creation runs the real migrations, which may lag the models under PTCC_TEST_SCHEMA=create_all")
pytestmark = needs_real_migrations

PASSWORD = "un-mot-de-passe-solide"


def has_database(platform, slug: str) -> bool:
    from sqlalchemy_utils import database_exists

    from ptcc.tenancy import Tenant

    app = platform.app()
    with app.app_context():
        url = app.extensions["ptcc"].engines.url_for(Tenant(slug=slug, name=slug))
    return database_exists(url)


def left_nothing(platform, slug: str) -> bool:
    """Neither a tenant.toml nor a database (nor SQLite's side files) for ``slug``."""
    side_files = list((platform.instance / "databases").glob(f"{slug}.db*")) if platform.backend == "sqlite" else []
    return not (platform.tenants / slug).exists() and not has_database(platform, slug) and not side_files


def users_of(platform, slug):
    from ptcc.accounts.models import User
    from ptcc.tenancy import tenant_context

    with tenant_context(slug, app=platform.app()):
        return [(u.email, u.role.value) for u in db.session.scalars(sa.select(User).order_by(User.id))]


def outbox_of(platform, slug):
    from ptcc.outbox.models import OutboxMessage
    from ptcc.tenancy import tenant_context

    with tenant_context(slug, app=platform.app()):
        return [(m.recipient, m.body) for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def tenant_toml(platform, slug) -> dict:
    return tomllib.loads((platform.tenants / slug / "tenant.toml").read_text(encoding="utf-8"))


def line_of(output: str, start: str) -> str:
    [line] = [line for line in output.splitlines() if line.startswith(start)]
    return line


TOML_FILE = dedent('''\
    # territories of the spring wave
    [[territory]]
    slug = "lyon"
    name = "Lyon Métropole"
    hosts = ["lyon.localhost", "www.lyon.localhost"]
    locales = ["fr", "en"]
    default_locale = "fr"
    timezone = "Europe/Paris"
    plugins = ["volunteering"]
    admin_email = "Admin@Lyon.example"

    [[territory]]
    slug = "nantes"
    name = "Nantes again"

    [[territory]]
    slug = "Rennes"
    name = "Rennes"

    [[territory]]
    slug = "brest"
    name = "Brest"
    hosts = ["nantes.localhost"]

    [[territory]]
    slug = "quimper"
    name = "Quimper"
    plugins = ["volunteering", "nope"]
    admin_email = "admin@quimper.example"

    [[territory]]
    slug = "vannes"
    name = "Vannes"
    admin_email = "pas-une-adresse"

    [[territory]]
    slug = "lorient"
    name = "Lorient"
    locales = ["en"]
    timezone = "America/Cayenne"
    admin_email = "admin@lorient.example"

    [[territory]]
    slug = "morlaix"
    name = "Morlaix"
    hosts = ["www.lyon.localhost"]
    timezone = "Mars/Olympus"

    [[territory]]
    slug = "vitre"
    name = "Vitré"
    database_url = "UNREACHABLE"
''').replace("UNREACHABLE", UNREACHABLE_URL)


def test_toml_file_creates_skips_and_refuses_with_line_numbers(platform):
    platform.write_tenant("nantes", "Nantes", hosts=["nantes.localhost"])
    path = platform.root / "territories.toml"
    path.write_text(TOML_FILE, encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path))

    assert result.exit_code == 1, result.output
    out = result.output
    assert out.startswith("territories.toml: 9 territories: 2 to create, 1 already exist, 6 refused\n")
    assert "line 12: nantes: skipped, already exists" in out
    assert "line 16: Rennes: refused: invalid territory slug 'Rennes'" in out
    assert "line 20: brest: refused: host 'nantes.localhost' already belongs to nantes" in out
    assert "line 25: quimper: refused: unknown plugin 'nope' (installed: " in out
    assert "line 31: vannes: refused: invalid e-mail address 'pas-une-adresse'" in out
    # Every reason of a row at once, the host claimed by an earlier row of the file included.
    morlaix = line_of(out, "line 43: morlaix: refused: ")
    assert "host 'www.lyon.localhost' is already claimed at line 2 (lyon)" in morlaix
    assert "unknown time zone 'Mars/Olympus'" in morlaix
    assert line_of(out, "line 49: vitre: refused: ").endswith(
        "database server unreachable: OperationalError: connection failed: connection to server at "
        "\"127.0.0.1\", port 1 failed: Connection refused")
    assert "[1/2] lyon: created, administrator admin@lyon.example (set-password link queued)" in out
    assert "[2/2] lorient: created, administrator admin@lorient.example" in out
    assert "created 2, skipped 1 (already exist), failed 6 in " in out
    assert "send the set-password e-mails with `ptcc outbox run`" in out

    for slug in ("rennes", "brest", "quimper", "vannes", "morlaix", "vitre"):
        assert left_nothing(platform, slug), slug
    assert tenant_toml(platform, "nantes")["name"] == "Nantes"  # skipped, untouched
    lyon = tenant_toml(platform, "lyon")
    assert lyon == {"name": "Lyon Métropole", "hosts": ["lyon.localhost", "www.lyon.localhost"],
                    "default_locale": "fr", "locales": ["fr", "en"], "timezone": "Europe/Paris",
                    "plugins": ["volunteering"]}
    assert tenant_toml(platform, "lorient")["default_locale"] == "en"

    listed = platform.run("tenant", "list")
    states = {line.split("\t")[0]: line.rsplit("\t", 1)[1] for line in listed.output.splitlines()}
    assert states == {"lyon": "up to date", "lorient": "up to date", "nantes": "missing"}

    assert users_of(platform, "lyon") == [("admin@lyon.example", "admin")]
    [(recipient, body)] = outbox_of(platform, "lyon")
    assert recipient == "admin@lyon.example"
    link = re.search(r"http://lyon\.localhost(?::\d+)?(/account/set-password/\S+)", body)
    assert link, body
    assert [r for r, _ in outbox_of(platform, "lorient")] == ["admin@lorient.example"]

    # The territory answers, and its administrator chooses a password through the e-mailed link.
    app = platform.app()
    client = TerritoryClient(app.test_client(), "lyon.localhost")
    home = client.get("/")
    assert home.status_code == 200 and "Lyon Métropole" in home.get_data(as_text=True)
    assert client.get(link.group(1)).status_code == 200
    saved = client.submit(link.group(1), {"password": PASSWORD, "password_confirm": PASSWORD})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    client.login("admin@lyon.example", PASSWORD)
    assert TerritoryClient(app.test_client(), "localhost", "/t/lorient").get("/").status_code == 200

    again = platform.run("tenant", "create", "--from-file", str(path))
    assert again.exit_code == 1  # the refused rows still are
    assert "created 0, skipped 3 (already exist), failed 6" in again.output
    assert "line 2: lyon: skipped, already exists" in again.output


def test_csv_file_with_lists_separated_by_semicolons_or_spaces(platform):
    path = platform.root / "territories.csv"
    path.write_text(dedent('''\
        slug,name,admin_email,hosts,locales,plugins,timezone,default_locale
        # the two Breton ones
        saint-malo,"Saint-Malo, cité corsaire",admin@saint-malo.example,saint-malo.localhost;stmalo.localhost,fr en,volunteering,,

        dinan,Dinan,admin@dinan.example,dinan.localhost,fr,,Europe/Paris,en
        dinard,Dinard,admin@dinard.example, dinard.localhost  dinard2.localhost ,en; fr,,,
        fougeres,Fougères,,fougeres.localhost,,,,
    '''), encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path), "--jobs", "1")

    assert result.exit_code == 1, result.output
    assert "line 5: dinan: refused: default language 'en' is not among the offered ones (fr)" in result.output
    assert "created 3, skipped 0 (already exist), failed 1" in result.output
    assert "[3/3] fougeres: created, no administrator" in result.output
    assert left_nothing(platform, "dinan")
    saint_malo = tenant_toml(platform, "saint-malo")
    assert saint_malo["name"] == "Saint-Malo, cité corsaire"
    assert saint_malo["hosts"] == ["saint-malo.localhost", "stmalo.localhost"]
    assert saint_malo["locales"] == ["fr", "en"] and saint_malo["default_locale"] == "fr"
    assert saint_malo["plugins"] == ["volunteering"] and saint_malo["timezone"] == "Europe/Paris"
    dinard = tenant_toml(platform, "dinard")
    assert dinard["hosts"] == ["dinard.localhost", "dinard2.localhost"]
    assert dinard["locales"] == ["en", "fr"] and dinard["default_locale"] == "en"
    assert [r for r, _ in outbox_of(platform, "saint-malo")] == ["admin@saint-malo.example"]
    assert [r for r, _ in outbox_of(platform, "dinard")] == ["admin@dinard.example"]
    assert users_of(platform, "fougeres") == [] and outbox_of(platform, "fougeres") == []

    sent = platform.run("outbox", "run")
    assert sent.exit_code == 0, sent.output
    assert len(list((platform.instance / "mail").glob("*.eml"))) == 2
    app = platform.app()
    for host, name in (("stmalo.localhost", "Saint-Malo"), ("dinard2.localhost", "Dinard")):
        page = TerritoryClient(app.test_client(), host).get("/")
        assert page.status_code == 200 and name in page.get_data(as_text=True)


def test_a_row_failing_half_way_leaves_nothing_and_the_others_are_created(platform, monkeypatch):
    """The administrator of one row cannot be created after its database was: that database
    goes again, no tenant.toml is written, and the rows around it are unaffected."""
    from ptcc.accounts import bootstrap

    real = bootstrap.create_first_admin

    def failing_for_brest(email, name, password):
        user = real(email, name, password)
        if email.endswith("@brest.example"):
            raise RuntimeError("the disk is full")
        return user

    monkeypatch.setattr(bootstrap, "create_first_admin", failing_for_brest)
    path = platform.root / "territories.csv"
    path.write_text("slug,name,hosts,admin_email\n"
                    "lyon,Lyon,lyon.localhost,admin@lyon.example\n"
                    "brest,Brest,brest.localhost,admin@brest.example\n"
                    "lorient,Lorient,lorient.localhost,admin@lorient.example\n", encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path))

    assert result.exit_code == 1, result.output
    assert "[2/3] brest (line 3): FAILED: RuntimeError: the disk is full" in result.output
    assert "created 2, skipped 0 (already exist), failed 1" in result.output
    assert left_nothing(platform, "brest")
    assert users_of(platform, "lyon") == [("admin@lyon.example", "admin")]
    assert users_of(platform, "lorient") == [("admin@lorient.example", "admin")]

    monkeypatch.setattr(bootstrap, "create_first_admin", real)
    retried = platform.run("tenant", "create", "--from-file", str(path))
    assert retried.exit_code == 0, retried.output
    assert "created 1, skipped 2 (already exist), failed 0" in retried.output
    assert users_of(platform, "brest") == [("admin@brest.example", "admin")]


def test_dry_run_checks_every_row_and_creates_nothing(platform):
    path = platform.root / "territories.csv"
    path.write_text("slug,name,plugins\nlyon,Lyon,\nbrest,Brest,nope\nlyon,Lyon again,\n", encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path), "--dry-run")

    assert result.exit_code == 1
    assert "3 territories: 1 to create, 0 already exist, 2 refused" in result.output
    assert "line 3: brest: refused: unknown plugin 'nope'" in result.output
    assert "line 4: lyon: refused: territory 'lyon' already appears at line 2" in result.output
    assert result.output.splitlines()[-1] == "dry run: nothing created"
    assert left_nothing(platform, "lyon") and left_nothing(platform, "brest")


@pytest.mark.parametrize("name, content, message", [
    ("t.toml", "[[territory]]\nslug = \"lyon\"\nname = \n", "t.toml: Invalid value (at line 3, column 8)"),
    ("t.toml", "[[territories]]\nslug = \"lyon\"\n", "unknown top-level key(s) territories"),
    ("t.csv", "slug,name,host\nlyon,Lyon,lyon.localhost\n", "t.csv, line 1: unknown column(s) host"),
    ("t.csv", "name,hosts\nLyon,lyon.localhost\n", "t.csv, line 1: missing column(s) slug"),
    ("t.txt", "slug,name\nlyon,Lyon\n", "t.txt: expected a .toml or .csv file"),
])
def test_an_unreadable_file_is_refused_whole(platform, name, content, message):
    path = platform.root / name
    path.write_text(content, encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path))

    assert result.exit_code == 1
    assert message in result.output
    assert not any(platform.tenants.iterdir())


def test_rows_that_cannot_be_read_are_refused_with_their_line(platform):
    path = platform.root / "t.toml"
    path.write_text('[[territory]]\nslug = "lyon"\nname = "Lyon"\nhost = "x"\n\n'
                    '[[territory]]\nslug = "brest"\nname = "Brest"\nhosts = 3\n\n'
                    '[[territory]]\nslug = "nantes"\n', encoding="utf-8")

    result = platform.run("tenant", "create", "--from-file", str(path), "--dry-run")

    assert "line 1: ?: refused: unknown key(s) host" in result.output
    assert "line 6: ?: refused: hosts must be a list of strings" in result.output
    assert "line 11: ?: refused: missing name" in result.output


def test_from_file_does_not_mix_with_the_single_form(platform):
    path = platform.root / "t.csv"
    path.write_text("slug,name\nlyon,Lyon\n", encoding="utf-8")
    result = platform.run("tenant", "create", "brest", "--from-file", str(path), "--host", "brest.localhost")
    assert result.exit_code == 2
    assert "--from-file takes the territories from the file; drop SLUG, --host" in result.output
    assert platform.run("tenant", "create", "brest", "--dry-run").exit_code == 2
    assert not any(platform.tenants.iterdir())


@pytest.mark.parametrize("extra, message", [
    (("--admin-email", "pas-une-adresse"), "invalid e-mail address 'pas-une-adresse'"),
    (("--admin-email", "admin@lyon.example", "--plugin", "nope"), "unknown plugin 'nope'"),
    (("--admin-email", "admin@lyon.example", "--timezone", "Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
])
def test_the_single_form_checks_the_email_and_the_plugins(platform, extra, message):
    result = platform.run("tenant", "create", "lyon", "--name", "Lyon", "--send-link", *extra)

    assert result.exit_code == 1
    assert message in result.output
    assert left_nothing(platform, "lyon")


def test_the_single_form_still_enables_an_installed_plugin(platform):
    platform.prepare_schema("lyon")
    result = platform.run("tenant", "create", "lyon", "--name", "Lyon", "--admin-email", "admin@lyon.example",
                          "--plugin", "volunteering", "--send-link")
    assert result.exit_code == 0, result.output
    assert tenant_toml(platform, "lyon")["plugins"] == ["volunteering"]


@pytest.mark.slow
def test_console_script_creates_a_file_with_worker_processes(platform):
    rows = [f"t{n:02d},Territoire {n},t{n:02d}.localhost,admin@t{n:02d}.example" for n in range(1, 7)]
    path = platform.root / "territories.csv"
    path.write_text("slug,name,hosts,admin_email\n" + "\n".join(rows) + "\n", encoding="utf-8")

    created = platform.subprocess("tenant", "create", "--from-file", str(path), "--jobs", "2")

    assert created.returncode == 0, created.stdout + created.stderr
    assert "creating 6 territories (2 worker processes)" in created.stdout
    assert "created 6, skipped 0 (already exist), failed 0" in created.stdout
    upgraded = platform.subprocess("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert upgraded.stdout.splitlines()[-1].endswith(": 0 migrated, 6 up to date, 0 failed")
    sent = platform.subprocess("outbox", "run")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sorted(eml.read_text(encoding="utf-8").count("To: admin@") for eml in
                  (platform.instance / "mail").glob("*.eml")) == [1] * 6
