"""Findings 5 and 6: every ``next`` goes through one safe-redirect helper, and e-mailed links
come from the territory's configured address, never from the request's Host header."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import LINK_RE


@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie:x=1", "/\t/evil.example", "/%09/evil.example", "//evil.example",
    "/\\evil.example", "\\\\evil.example", "https://evil.example/", "javascript:alert(1)", " /organisations/",
    "http://beta.test/account/", "/" + "x" * 3000,
])
def test_language_switch_never_leaves_the_territory(alpha, target):
    response = alpha.submit("/language", {"locale": "en", "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in ("/", "http://alpha.test/"), location
    assert "en" in alpha.get("/").get_data(as_text=True)[:200]  # the language was still saved


@pytest.mark.parametrize("target", ["/organisations/?kind=association", "http://alpha.test/account/"])
def test_language_switch_goes_back_to_a_page_of_the_territory(alpha, target):
    response = alpha.submit("/language", {"locale": "en", "next": target})
    assert response.headers["Location"].endswith(target.removeprefix("http://alpha.test"))


def test_prefix_mode_keeps_next_inside_its_own_territory(territory_client):
    client = territory_client("alpha", prefix=True)
    assert client.submit("/language", {"locale": "en", "next": "/t/alpha/organisations/"}) \
        .headers["Location"].endswith("/t/alpha/organisations/")
    assert client.submit("/language", {"locale": "en", "next": "/t/beta/organisations/"}) \
        .headers["Location"].endswith("/t/alpha/")


def test_login_next_is_checked_by_the_same_helper(alpha, make_user):
    make_user(email="ada@example.org")
    response = alpha.submit("/account/login", {"email": "ada@example.org", "password": "correct horse battery staple",
                                                "next": "/%09/evil.example"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


@pytest.mark.parametrize("host", ["alpha.test:80@evil.example", "alpha.test evil.example", "evil.example",
                                  "alpha.test:80/evil", "alpha.test\\@evil.example"])
def test_a_malformed_host_selects_no_territory(client, host):
    response = client.get("/account/reset", headers={"Host": host})
    assert response.status_code == 404


def _reset_link(outbox) -> str:
    [mail] = outbox("alpha")
    return LINK_RE.search(mail["body"]).group(0)


def test_reset_link_uses_the_configured_host_whatever_the_request_host(client, make_user, outbox, territory_client):
    make_user(email="ada@example.org")
    # Asked under the platform host's /t/alpha prefix, on a port: the link still names alpha.test.
    prefixed = territory_client("alpha", prefix=True)
    prefixed.host = "localhost:8080"
    prefixed.submit("/account/reset", {"email": "ada@example.org"})
    assert _reset_link(outbox).startswith("http://alpha.test/account/reset/")


def test_a_territory_without_host_links_to_the_platform_prefix(app, in_territory):
    from dataclasses import replace

    from flask import g

    from ptcc.web.urls import external_url

    with in_territory("alpha"):
        g.ptcc_tenant = replace(g.ptcc_tenant, hosts=())
        assert external_url("accounts.login") == "http://localhost/t/alpha/account/login"


def test_links_carry_the_platform_port(app, in_territory, monkeypatch):
    from ptcc.web.urls import external_url

    monkeypatch.setitem(app.config, "PTCC_PLATFORM_URL", "http://localhost:5050")
    with in_territory("alpha"):
        assert external_url("accounts.login", next="/x") == "http://alpha.test:5050/account/login?next=/x"
