"""The settings page names the plugin in the administrator's language."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD


@pytest.mark.parametrize("locale, title, other", [("fr", "Missions bénévoles", "Volunteer missions"),
                                                   ("en", "Volunteer missions", "Missions bénévoles")])
def test_the_plugin_checkbox_reads_in_the_page_language(alpha, make_user, locale, title, other):
    admin = make_user(role="admin", locale=locale)
    alpha.login(admin.email, DEFAULT_PASSWORD)
    html = alpha.get("/admin/settings").get_data(as_text=True)
    section = html.split('name="plugins_shown"', 1)[1]
    assert title in section and other not in section
