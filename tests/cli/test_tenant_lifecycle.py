"""`ptcc tenant disable|enable|export|delete`, through the real commands, on both backends."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tarfile

import pytest
import sqlalchemy as sa
from sqlalchemy_utils import database_exists

from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from tests.cli.checkout import CODE


@pytest.fixture
def ops(make_platform, ptcc_backend):
    """A platform (servers re-read the tenants folder at every request) with two territories:
    lyon (an administrator, an uploaded logo) and rennes."""
    platform = make_platform(ptcc_backend, name="lifecycle", PTCC_TENANTS_RECHECK_SECONDS=0)
    for slug, host in (("lyon", "lyon.localhost"), ("rennes", "rennes.localhost")):
        platform.prepare_schema(slug)
        created = platform.run("tenant", "create", slug, "--name", slug.title(), "--host", host,
                               "--admin-email", f"admin@{slug}.example", "--send-link")
        assert created.exit_code == 0, created.output
    toml = platform.tenants / "lyon" / "tenant.toml"
    toml.write_text("# Lyon, written by hand.\n" + toml.read_text(encoding="utf-8") + "\n[theme]\nprimary = \"#9b1c31\"\n",
                    encoding="utf-8")
    (platform.instance / "uploads" / "lyon").mkdir(parents=True)
    (platform.instance / "uploads" / "lyon" / "logo.png").write_bytes(b"\x89PNG fake logo")
    return platform


def database_url(platform, slug):
    return platform.database_url.format(tenant=slug) if platform.database_url else \
        f"sqlite:///{platform.instance / 'databases' / f'{slug}.db'}"


def status(app, host):
    return app.test_client().get("/", headers={"Host": host}).status_code


def test_disable_and_enable_keep_the_file_and_survive_a_restart(ops):
    server = ops.app()  # started before: notices by itself
    assert status(server, "lyon.localhost") == 200

    result = ops.run("tenant", "disable", "lyon")
    assert result.exit_code == 0, result.output
    assert "lyon: disabled" in result.output and "ptcc tenant enable lyon" in result.output
    text = (ops.tenants / "lyon" / "tenant.toml").read_text(encoding="utf-8")
    assert "disabled = true" in text and text.startswith("# Lyon, written by hand.") and "[theme]" in text
    assert status(server, "lyon.localhost") == 503 and status(server, "rennes.localhost") == 200
    assert status(ops.app(), "lyon.localhost") == 503  # after a restart too
    assert [line for line in ops.run("tenant", "list").output.splitlines() if line.startswith("lyon")][0] \
        .endswith("up to date, disabled")
    assert "already disabled" in ops.run("tenant", "disable", "lyon").output

    result = ops.run("tenant", "enable", "lyon")
    assert result.exit_code == 0 and "lyon: enabled" in result.output
    text = (ops.tenants / "lyon" / "tenant.toml").read_text(encoding="utf-8")
    assert "disabled" not in text and text.startswith("# Lyon, written by hand.") and 'primary = "#9b1c31"' in text
    assert status(server, "lyon.localhost") == 200


def test_unknown_territory_is_a_clear_error(ops):
    for command in ("disable", "enable", "export", "delete"):
        result = ops.run("tenant", command, "nope", *(["--yes"] if command == "delete" else []))
        assert result.exit_code == 1 and "unknown territory 'nope'" in result.output


def test_delete_exports_everything_then_removes_database_files_and_folder(ops):
    server = ops.app()
    assert status(server, "lyon.localhost") == 200

    result = ops.run("tenant", "delete", "lyon", "--yes")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for step in ("[1/5] disabled", "[2/5] exporting", "[3/5] database deleted",
                 "[4/5] files deleted: uploads/lyon", "[5/5] "):
        assert any(line.startswith(step) for line in lines), (step, result.output)
    [archive_path] = (ops.instance / "exports").glob("lyon-*.tar.gz")
    assert f"lyon deleted; its export: {archive_path}" in result.output

    with tarfile.open(archive_path) as archive:
        names = set(archive.getnames())
        manifest = json.load(archive.extractfile("manifest.json"))
        assert archive.extractfile("files/uploads/lyon/logo.png").read() == b"\x89PNG fake logo"
        assert b"# Lyon, written by hand." in archive.extractfile("tenant.toml").read()
        member = manifest["database"]
        assert {"tenant.toml", "manifest.json", member} <= names
        dump = archive.extractfile(member).read()
    assert manifest["slug"] == "lyon" and manifest["files"] == ["uploads/lyon/logo.png"]
    assert manifest["alembic_revisions"]
    assert_dump_holds_the_administrator(ops, member, dump, archive_path.parent)

    url = database_url(ops, "lyon")
    if ops.backend == "sqlite":
        assert not (ops.instance / "databases" / "lyon.db").exists()
        assert not list((ops.instance / "databases").glob("lyon.db*"))  # nor its -wal, -shm, version mirror
    else:
        assert not database_exists(url)
    assert not (ops.instance / "uploads" / "lyon").exists() and not (ops.tenants / "lyon").exists()
    assert status(server, "lyon.localhost") == 404
    assert status(server, "rennes.localhost") == 200 and database_exists(database_url(ops, "rennes"))
    assert [line.split("\t")[0] for line in ops.run("tenant", "list").output.splitlines()] == ["rennes"]


def assert_dump_holds_the_administrator(platform, member, dump, folder):
    if member == "database.sqlite":
        copy = folder / "check.sqlite"
        copy.write_bytes(dump)
        with sqlite3.connect(copy) as conn:
            assert conn.execute("SELECT email FROM users").fetchall() == [("admin@lyon.example",)]
        return
    assert member == "database.pgdump"
    listing = subprocess.run(["pg_restore", "--list"], input=dump, capture_output=True, check=True).stdout.decode()
    assert "TABLE DATA public users" in listing


def test_delete_asks_to_type_the_slug(ops):
    refused = ops.run("tenant", "delete", "lyon", input="rennes\n")
    assert refused.exit_code == 1 and "does not match: nothing deleted" in refused.output
    assert (ops.tenants / "lyon" / "tenant.toml").exists() and database_exists(database_url(ops, "lyon"))
    assert "disabled" not in (ops.tenants / "lyon" / "tenant.toml").read_text(encoding="utf-8")
    assert not (ops.instance / "exports").exists()

    accepted = ops.run("tenant", "delete", "lyon", input="lyon\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Type lyon to confirm" in accepted.output and not (ops.tenants / "lyon").exists()


def test_a_failed_export_deletes_nothing_and_enables_the_territory_again(ops):
    blocker = ops.root / "not-a-folder"
    blocker.write_text("a file where the export's folder should be")

    result = ops.run("tenant", "delete", "lyon", "--yes", "--output", str(blocker / "lyon.tar.gz"))

    assert result.exit_code == 1
    assert "export failed: cannot write into" in result.output and "nothing deleted, enabled again" in result.output
    assert "[3/5]" not in result.output
    assert database_exists(database_url(ops, "lyon")) and (ops.instance / "uploads" / "lyon" / "logo.png").exists()
    assert status(ops.app(), "lyon.localhost") == 200
    app = ops.app()
    with tenant_context("lyon", app=app):
        from ptcc.accounts.models import User

        assert db.session.scalar(sa.select(User.email)) == "admin@lyon.example"
    app.extensions["ptcc"].engines.dispose_all()


def test_export_alone_writes_the_archive_and_keeps_the_territory(ops):
    target = ops.root / "saved" / "lyon.tar.gz"
    result = ops.run("tenant", "export", "lyon", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert f"export written: {target}" in result.output and "files: 1 in uploads/lyon" in result.output
    assert tarfile.open(target).getmember("files/uploads/lyon/logo.png").size > 0
    assert status(ops.app(), "lyon.localhost") == 200
    again = ops.run("tenant", "export", "lyon", "--output", str(target))
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.slow
def test_the_console_script_deletes_with_progress(ops):
    done = ops.subprocess("tenant", "delete", "rennes", "--yes", PTCC_TENANTS_RECHECK_SECONDS="0", **CODE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[2/5] exporting" in done.stdout and "rennes deleted; its export:" in done.stdout
    assert not (ops.tenants / "rennes").exists() and not database_exists(database_url(ops, "rennes"))

    refused = ops.subprocess("tenant", "delete", "lyon", **CODE)  # no terminal, nothing typed
    assert refused.returncode != 0 and (ops.tenants / "lyon").exists()
