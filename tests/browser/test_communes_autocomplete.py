"""The communes autocomplete, with the keyboard only, in the system Chromium; and axe-core on it."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.browser.test_core_journey import sign_in
from tests.communes.conftest import declare, imported  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_choose_a_commune_with_the_keyboard(browser, site, make_user, imported, in_territory, axe):  # noqa: F811
    import sqlalchemy as sa

    from ptcc.extensions import db
    from ptcc.organisations.models import Organisation

    imported()
    make_user(tenant="alpha", email="nadia@example.org", display_name="Nadia")
    page = browser.new_context(locale="en-GB").new_page()
    page.set_default_timeout(10_000)
    sign_in(page, site, "nadia@example.org", DEFAULT_PASSWORD)
    page.goto(site("alpha", "/organisations/new"))

    combobox = page.get_by_role("combobox", name="Commune")
    assert combobox.get_attribute("aria-expanded") == "false"
    assert page.locator("select#commune").is_hidden()  # still in the form, carrying the code
    combobox.press_sequentially("saint")
    listbox = page.locator("#commune-listbox")
    listbox.wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    options = listbox.get_by_role("option")
    assert options.all_inner_texts() == ["Saint-Fons (69190)", "Saint-Genis-Laval (69230)",
                                         "Sainte-Foy-lès-Lyon (69110)"]
    page.get_by_role("status").filter(has_text="3 communes found").wait_for(state="attached")
    assert axe(page) == []

    combobox.press("ArrowDown")
    combobox.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text() == "Saint-Genis-Laval (69230)"
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    combobox.press("ArrowUp")
    combobox.press("ArrowUp")  # wraps round to the last one
    assert page.locator(f"#{combobox.get_attribute('aria-activedescendant')}").inner_text() \
        == "Sainte-Foy-lès-Lyon (69110)"
    combobox.press("Escape")
    assert listbox.is_hidden() and combobox.get_attribute("aria-expanded") == "false"

    combobox.fill("")
    combobox.press_sequentially("69100")
    listbox.get_by_role("option", name="Villeurbanne (69100)").wait_for()
    page.get_by_role("status").filter(has_text="1 commune found").wait_for(state="attached")
    combobox.press("ArrowDown")
    combobox.press("Enter")  # chooses, does not send the form
    assert combobox.input_value() == "Villeurbanne (69100)" and listbox.is_hidden()
    assert page.locator("select#commune").input_value() == "69266"

    page.get_by_label("Name", exact=True).fill("Vélo Cité")
    page.get_by_label("Kind of organisation").select_option("association")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Vélo Cité").wait_for()
    with in_territory():
        assert db.session.scalar(sa.select(Organisation.commune_code)) == "69266"

    page.goto(site("alpha", "/organisations/new"))
    combobox = page.get_by_role("combobox", name="Commune")
    combobox.press_sequentially("zzz")
    page.get_by_role("status").filter(has_text="No commune found").wait_for(state="attached")
    assert page.locator("#commune-listbox").is_hidden()
