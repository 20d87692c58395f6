"""The plugin's public pages can be kept for visitors (ptcc.web.page_cache): they make no form,
and so no CSRF token, for whoever does not see one; a signed-in person still gets theirs."""

from __future__ import annotations

import pytest

from ptcc.web.page_cache import HEADER


@pytest.mark.parametrize("path", ["/missions/", "/missions/{mission}", "/organisations/{organisation}"])
def test_a_visitors_page_is_kept(cast, alpha, path):
    path = path.format(mission=cast["mission"], organisation=cast["organisation"]["slug"])
    states = [alpha.get(path).headers.get(HEADER) for _ in range(2)]
    assert states == ["stored", "hit"]


def test_a_volunteer_still_gets_the_answer_form(cast, alpha, signed_in):
    alpha.get(f"/missions/{cast['mission']}")  # kept for visitors
    page = signed_in(cast["volunteer"]).get(f"/missions/{cast['mission']}")
    assert page.headers.get(HEADER) is None
    html = page.get_data(as_text=True)
    assert 'name="csrf_token"' in html and f'action="/missions/{cast["mission"]}/answer"' in html


def test_a_manager_still_gets_the_close_form(cast, signed_in):
    html = signed_in(cast["member"]).get(f"/missions/{cast['mission']}").get_data(as_text=True)
    assert f'action="/missions/{cast["mission"]}/close"' in html
