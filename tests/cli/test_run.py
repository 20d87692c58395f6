"""`ptcc run` says where every territory answers, on the port it serves, and e-mailed links
carry the development port (what `make run PORT=…` sets)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ptcc.cli_run import address_lines
from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from ptcc.testing.clients import TerritoryClient
from tests.cli.checkout import CODE
from tests.cli.sandbox import PTCC_BIN, free_port
from tests.test_gunicorn import fetch

ROOT = Path(__file__).resolve().parents[2]
URL_RE = re.compile(r"https?://[^\s<>\"')]+")


def test_address_lines_name_each_territory_on_the_port_served(app):
    lines = address_lines(app, 5123)
    assert lines[0] == "PTCC on port 5123: the platform page is http://localhost:5123/"
    alpha = next(line for line in lines if "alpha.test" in line)
    assert "http://alpha.test:5123/" in alpha and "http://localhost:5123/t/alpha/" in alpha
    # The test configuration's PTCC_PLATFORM_URL has no port: said, since e-mails would miss the server.
    assert any(line.startswith("warning: PTCC_PLATFORM_URL's port (none) is not the port served (5123)")
               for line in lines)


@pytest.mark.slow
def test_ptcc_run_prints_addresses_that_answer_and_serves_new_territories(make_platform):
    platform = make_platform("sqlite")
    platform.write_tenant("lyon", "Lyon Métropole", hosts=["lyon.localhost"])
    platform.prepare_schema("lyon")
    assert platform.run("db", "upgrade").exit_code == 0
    port = free_port()
    env = platform.env(PTCC_TENANTS_RECHECK_SECONDS="0", **CODE)  # no PTCC_PLATFORM_URL: ptcc run sets it
    server = subprocess.Popen([str(PTCC_BIN), "run", "--port", str(port), "--no-reload"], cwd=platform.root,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        lines = []
        while not any(line.startswith("Territories created") for line in lines):
            line = server.stdout.readline()
            assert line, "ptcc run stopped:\n" + "".join(lines)
            lines.append(line.rstrip("\n"))
        assert lines[0] == f"PTCC on port {port}: the platform page is http://localhost:{port}/"
        assert f"  Lyon Métropole: http://lyon.localhost:{port}/  or  http://localhost:{port}/t/lyon/" in lines
        assert f"E-mailed links start with http://localhost:{port} (PTCC_PLATFORM_URL) or a territory's host " \
               f"on port {port}." in lines
        assert not any(line.startswith("warning") for line in lines)
        answer = wait_for(lambda: fetch(port, "/", "lyon.localhost"))
        assert answer[0] == 200 and "Lyon Métropole" in answer[2]
        assert fetch(port, "/t/lyon/", f"localhost:{port}")[0] == 200

        platform.prepare_schema("rennes")
        created = platform.subprocess("tenant", "create", "rennes", "--name", "Rennes", "--admin-email",
                                      "admin@rennes.example", "--send-link", **CODE)
        assert created.returncode == 0, created.stdout + created.stderr
        status, _headers, body = fetch(port, "/t/rennes/", f"localhost:{port}")
        assert status == 200 and "Rennes" in body  # the running server, no restart
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=15)


def wait_for(call, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_every_link_e_mailed_in_the_demo_carries_the_development_port(make_platform):
    """What `make run PORT=5123` sets: every e-mail of both demo territories, host and /t/ forms."""
    platform = make_platform("sqlite", PTCC_PLATFORM_URL="http://localhost:5123", PTCC_OUTBOX_INLINE=False)
    shutil.copytree(ROOT / "tenants", platform.tenants, dirs_exist_ok=True)
    for slug in ("lyon", "broceliande"):
        platform.prepare_schema(slug)
    assert platform.run("demo").exit_code == 0
    app = platform.app()
    lyon = TerritoryClient(app.test_client(), "lyon.localhost")
    broceliande = TerritoryClient(app.test_client(), "localhost", "/t/broceliande")
    for client in (lyon, broceliande):
        assert client.submit("/account/signup", {
            "display_name": "Nadia Haddad", "email": "nadia@example.org", "password": "une phrase assez longue",
            "password_confirm": "une phrase assez longue", "accept_terms": "y"}).status_code == 200
        client.submit("/account/reset", {"email": f"admin@{'lyon' if client is lyon else 'broceliande'}.demo"})
    lyon.login("lea.fontaine@lyon.demo", "demo-ptcc-2026")
    with tenant_context("lyon", app=app):
        from ptcc.organisations.models import Membership, MembershipRole, Organisation
        from ptcc.accounts.models import User

        slug = db.session.scalar(sa.select(Organisation.slug).join(Membership).join(User).where(
            User.email == "lea.fontaine@lyon.demo", Membership.role == MembershipRole.OWNER))
    assert lyon.submit(f"/organisations/{slug}/invitations", {"email": "new@example.org", "role": "member"}
                       ).status_code == 302

    links = {}
    for slug_ in ("lyon", "broceliande"):
        with tenant_context(slug_, app=app):
            from ptcc.outbox.models import OutboxMessage
            from ptcc.outbox.services import compose_pending

            compose_pending()
            db.session.commit()
            for message in db.session.scalars(sa.select(OutboxMessage)):
                for url in URL_RE.findall(message.body):
                    links[url] = message.subject
    paths = {"/".join(url.split("/")[3:5]) for url in links}
    assert {"account/verify", "account/reset", "organisations/invitations"} <= paths, paths
    assert {url.split("/")[2] for url in links} >= {"lyon.localhost:5123", "broceliande.localhost:5123"}
    wrong = {url: subject for url, subject in links.items() if not re.match(r"https?://[^/]+:5123/", url)}
    assert not wrong


def test_the_platform_page_links_each_territory_host_on_the_port_asked(client):
    page = client.get("/", headers={"Host": "localhost:5123"}).get_data(as_text=True)
    assert 'href="http://alpha.test:5123/"' in page and 'href="/t/alpha/"' in page
    assert 'href="http://alpha.test/"' in client.get("/", headers={"Host": "localhost"}).get_data(as_text=True)
