"""Every page of every territory links the four legal pages, signed out and signed in."""

from __future__ import annotations

import re

import pytest

from tests.isolation.framework import PASSWORD, USERS, seed, territory_get_pages

LEGAL_PATHS = ("/legal/notice", "/legal/privacy", "/legal/terms", "/legal/accessibility")
FOOTER_RE = re.compile(r"<footer\b[^>]*>.*?</footer>", re.S)


@pytest.mark.parametrize("prefix", [False, True], ids=["host", "prefix"])
@pytest.mark.parametrize("role", ["anonymous", "member", "admin"])
def test_every_page_of_the_url_map_links_the_legal_pages(app, make_user, territory_client, role, prefix):
    seeded = {slug: seed(app, slug, make_user) for slug in ("alpha", "beta")}
    missing, checked = [], 0
    for slug, values in seeded.items():
        client = territory_client(slug, prefix=prefix)
        root = f"/t/{slug}" if prefix else ""
        if role != "anonymous":
            client.login(USERS[role][0], PASSWORD)
        for endpoint, path in territory_get_pages(app, values):
            response = client.get(path)
            if not response.content_type.startswith("text/html") or response.status_code in (301, 302, 303):
                continue
            checked += 1
            footer = FOOTER_RE.search(response.get_data(as_text=True))
            links = footer.group(0) if footer else ""
            absent = [p for p in LEGAL_PATHS if f'href="{root}{p}"' not in links]
            if absent:
                missing.append(f"{slug} {endpoint} {path} ({response.status_code}): {', '.join(absent)}")
    assert checked > 30  # both territories, the whole URL map
    assert not missing, "pages without the legal links:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", LEGAL_PATHS)
def test_the_legal_pages_exist_in_every_territory(alpha, beta, territory_client, path):
    for client in (alpha, beta, territory_client("alpha", prefix=True), territory_client("beta", prefix=True)):
        assert client.get(path).status_code == 200


def test_the_platform_page_has_no_territory_links(client):
    page = client.get("/", base_url="http://localhost").get_data(as_text=True)
    assert "/legal/notice" not in page
