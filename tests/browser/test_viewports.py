"""No page is wider than the screen it is read on: every GET page of the URL map, signed out
and signed in with each role, at 320, 390, 768 and 1280 px wide.

The pages are the URL map's, with the isolation suite's URL values (as the statement counts
do): a new page is measured here without a new test. A page wider than its viewport scrolls
sideways on a phone, and something on it (a button, a column) is cut off.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.isolation.framework import PASSWORD, USERS, seed, territory_get_pages

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 768, 1280)
ROLES = ("anonymous", "member", "moderator", "admin")

#: The document's width against the viewport's, and the elements that reach past its edge.
TOO_WIDE = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const past = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const classes = typeof element.className === 'string' && element.className
        ? '.' + element.className.trim().split(/\\s+/).join('.') : '';
      past.push(`${element.tagName.toLowerCase()}${classes} (right edge ${Math.round(box.right)})`);
    }
  }
  return `${root.scrollWidth} px for ${width}: ` + past.slice(-4).join(', ');
}"""


def sign_in(page, site, email: str) -> None:
    page.goto(site("alpha", "/account/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"{email} was not signed in"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_is_wider_than_its_viewport(app, browser, site, make_user, role):
    values = seed(app, "alpha", make_user)
    pages = territory_get_pages(app, values)
    assert len(pages) > 30  # the whole URL map
    context = browser.new_context(locale="fr-FR", viewport={"width": WIDTHS[-1], "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role != "anonymous":
            sign_in(page, site, USERS[role][0])
        too_wide = []
        measured = 0
        for _endpoint, path in pages:
            page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
            try:
                response = page.goto(site("alpha", path))
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # a calendar or a dataset: no page
                    continue
                raise
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue  # shown as it is (the theme's CSS, a logo)
            measured += 1
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found = page.evaluate(TOO_WIDE)
                if found:
                    too_wide.append(f"{path} at {width} px: {found}")
    finally:
        context.close()
    assert measured > 25
    assert not too_wide, f"pages wider than the screen ({role}):\n" + "\n".join(too_wide)
