"""The installed ``ptcc`` console script, run as an operator would, in its own process."""

from __future__ import annotations

import re

import pytest

from tests.cli.sandbox import PTCC_BIN

pytestmark = pytest.mark.slow

PASSWORD = "un-mot-de-passe-solide"


def test_console_script_creates_lists_migrates_and_sends(platform):
    assert PTCC_BIN.exists(), f"{PTCC_BIN} is not installed (pip install -e .)"
    platform.prepare_schema("lyon")
    platform.prepare_schema("rennes")

    created = platform.subprocess(
        "tenant", "create", "lyon", "--name", "Lyon Métropole", "--host", "lyon.localhost",
        "--admin-email", "admin@lyon.example", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.returncode == 0, created.stdout + created.stderr
    assert "administrator admin@lyon.example created" in created.stdout
    assert (platform.tenants / "lyon" / "tenant.toml").exists()

    linked = platform.subprocess(
        "tenant", "create", "rennes", "--name", "Rennes", "--host", "rennes.localhost",
        "--admin-email", "admin@rennes.example", "--send-link")
    assert linked.returncode == 0, linked.stdout + linked.stderr
    assert "ptcc outbox run rennes" in linked.stdout

    duplicate = platform.subprocess(
        "tenant", "create", "villeurbanne", "--name", "Villeurbanne", "--host", "lyon.localhost",
        "--admin-email", "x@example.org", "--send-link")
    assert duplicate.returncode == 1
    assert "host 'lyon.localhost' already belongs to lyon" in duplicate.stderr

    listed = platform.subprocess("tenant", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("\t")[0]: line for line in listed.stdout.splitlines()}
    assert set(rows) == {"lyon", "rennes"}
    assert "hosts=lyon.localhost" in rows["lyon"] and rows["lyon"].endswith("up to date")
    assert "db=" in rows["rennes"] and rows["rennes"].endswith("up to date")

    upgraded = platform.subprocess("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    lines = upgraded.stdout.splitlines()
    assert lines[:2] == ["[1/2] lyon: up to date", "[2/2] rennes: up to date"]
    assert re.fullmatch(r"2 territories in \d+\.\d s: 0 migrated, 2 up to date, 0 failed", lines[2])

    sent = platform.subprocess("outbox", "run")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "rennes: 1 sent, 0 failed, 0 waiting" in sent.stdout
    [eml] = (platform.instance / "mail").glob("*.eml")
    assert "To: admin@rennes.example" in eml.read_text(encoding="utf-8")
