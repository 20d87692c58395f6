"""The header in a real browser: one compact row and a menu button on a phone (no JavaScript
needed), the full bar on a desktop; the typeface loads from the app's own files."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def open_page(browser, url, width, javascript=True):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    return context, page


def test_on_a_phone_the_menu_button_opens_the_navigation_without_javascript(browser, site, axe):
    context, page = open_page(browser, site("alpha", "/"), 390, javascript=False)
    try:
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 80, header  # one short row: the brand and the menu button
        assert page.locator(".site-menu summary").is_visible()
        assert not page.locator(".main-nav").is_visible() and not page.locator("#site-search").is_visible()
        page.click(".site-menu summary")
        assert page.locator(".main-nav").is_visible() and page.locator("#site-search").is_visible()
        assert page.locator(".language-switch").is_visible() and page.locator(".account-links").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_open_menu_passes_axe(browser, site, axe):
    context, page = open_page(browser, site("alpha", "/"), 390)
    try:
        page.click(".site-menu summary")
        assert axe(page) == []
    finally:
        context.close()


def test_on_a_desktop_the_bar_shows_everything_and_no_menu_button(browser, site, make_user):
    make_user(tenant="alpha", email="ada@alpha.example", locale="en", display_name="Ada Lovelace")
    context, page = open_page(browser, site("alpha", "/account/login"), 1280)
    try:
        page.fill("input[name=email]", "ada@alpha.example")
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        page.click("main button[type=submit]")
        page.goto(site("alpha", "/"))
        assert not page.locator(".site-menu summary").is_visible()
        for selector in (".main-nav", "#site-search", ".language-switch", ".account-menu summary"):
            assert page.locator(selector).is_visible(), selector
        tools = page.locator(".header-tools").bounding_box()
        brand = page.locator(".brand").bounding_box()
        assert abs((tools["y"] + tools["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12  # one row
        page.click(".account-menu summary")
        assert page.locator(".account-menu button[type=submit]").is_visible()  # sign out
    finally:
        context.close()


def test_the_typeface_is_loaded_from_the_app(browser, site):
    context, page = open_page(browser, site("alpha", "/"), 1280)
    try:
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px \"Atkinson Hyperlegible\"')")
        loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        assert any("Atkinson Hyperlegible" in family for family in loaded)
    finally:
        context.close()
