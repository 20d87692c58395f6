"""A person joins a territory and registers an association; an administrator approves it.

Driven in the system Chromium on the territory's own host name. Fields are found by
their visible labels, so a field that loses its label breaks the journey.
"""

from __future__ import annotations

import re

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
LINK_RE = re.compile(r"https?://\S+")


def path_of_link(body: str) -> str:
    url = LINK_RE.search(body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def sign_in(page, site, email, password):
    page.goto(site("alpha", "/account/login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_verify_register_an_association_and_get_it_approved(browser, site, outbox, make_user):
    make_user(tenant="alpha", email="admin@alpha.example", role="admin", display_name="Admin Alpha")
    person = browser.new_context(locale="en-GB").new_page()
    person.set_default_timeout(10_000)

    person.goto(site("alpha", "/account/signup"))
    person.get_by_label("Your name").fill("Nadia Haddad")
    person.get_by_label("E-mail address").fill("nadia@example.org")
    person.get_by_label("Password", exact=True).fill("une phrase assez longue")
    person.get_by_label("Password again").fill("une phrase assez longue")
    person.get_by_label("I accept the terms of use").check()
    person.get_by_role("button", name="Create my account").click()
    person.get_by_role("heading", name="Check your mailbox").wait_for()

    [mail] = outbox("alpha")
    person.goto(site("alpha", path_of_link(mail["body"])))
    person.get_by_text("your e-mail address is confirmed").wait_for()

    sign_in(person, site, "nadia@example.org", "une phrase assez longue")
    person.goto(site("alpha", "/organisations/new"))
    person.get_by_label("Name", exact=True).fill("Les Jardins Partagés du Plateau")
    person.get_by_label("Kind of organisation").select_option("association")
    person.get_by_label("Presentation").fill("Un **jardin partagé** ouvert à toutes et tous.")
    person.get_by_label("Commune").fill("Lyon")
    person.get_by_role("button", name="Send the request").click()
    person.get_by_role("heading", name="Les Jardins Partagés du Plateau").wait_for()

    admin = browser.new_context(locale="en-GB").new_page()
    admin.set_default_timeout(10_000)
    sign_in(admin, site, "admin@alpha.example", DEFAULT_PASSWORD)
    admin.goto(site("alpha", "/organisations/queue"))
    row = admin.get_by_role("row").filter(has_text="Les Jardins Partagés du Plateau")
    row.get_by_role("button", name="Approve").click()
    admin.goto(site("alpha", "/organisations/queue"))
    assert admin.get_by_text("Les Jardins Partagés du Plateau").count() == 0

    told = [m for m in outbox("alpha") if m["recipient"] == "nadia@example.org"][-1]
    assert "Les Jardins Partagés du Plateau" in told["subject"] + told["body"]

    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(site("alpha", "/organisations/"))
    visitor.get_by_role("link", name="Les Jardins Partagés du Plateau").click()
    assert "jardin partagé" in visitor.inner_text("main")
    visitor.goto(site("beta", "/organisations/"))
    assert "Les Jardins Partagés du Plateau" not in visitor.content()
