"""axe-core finds no WCAG 2.1 A/AA violation on any page of the URL map, signed out and signed in
with each role, at each width of test_viewports.py.

The pages are test_viewports.py's (the URL map's, with the isolation suite's URL values): a new
page is checked here without a new test. One test per role and width, so that pytest-xdist
spreads them (`-n auto`); axe runs once per page and width (a page that redirects to one already
checked — the sign-in page, for anonymous visitors — is not checked twice).
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_viewports import ROLES, WIDTHS, sign_in
from tests.isolation.framework import USERS, seed, territory_get_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_wcag_violation(app, browser, site, axe, make_user, role, width, record_property):
    values = seed(app, "alpha", make_user)
    pages = territory_get_pages(app, values)
    assert len(pages) > 30  # the whole URL map
    started = time.monotonic()
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    problems: dict[str, list[str]] = {}
    checked: set[str] = set()
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "anonymous":
            sign_in(page, site, USERS[role][0])
        for _endpoint, path in pages:
            try:
                response = page.goto(site("alpha", path))
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # a calendar or a dataset: no page
                    continue
                raise
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # shown as it is (the theme's CSS, a logo)
            if page.url in checked:
                continue
            checked.add(page.url)
            found = axe(page)
            if found:
                problems[path] = found
    finally:
        context.close()
    record_property("axe_seconds", round(time.monotonic() - started, 1))
    record_property("axe_pages", len(checked))
    assert len(checked) > (5 if role == "anonymous" else 25)
    assert not problems, f"WCAG violations ({role}, {width} px):\n" + "\n".join(
        f"{path}: {found}" for path, found in problems.items())
