"""A CSRF token issued by one territory is refused by another, with the same secret key.

In both addressing modes, from one browser signed in to both territories: on its
host, and under ``/t/beta/`` next to ``/t/alpha/`` on the same ``localhost``.
"""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.isolation.visitors import MODES, territory_address


@pytest.mark.parametrize("mode", MODES)
def test_beta_csrf_token_does_not_validate_a_form_on_alpha(app, territory_client, make_user, in_territory, mode):
    from ptcc.accounts.models import User
    from ptcc.extensions import db

    person = make_user(tenant="alpha", email="same@example.org", display_name="Before")
    make_user(tenant="beta", email="same@example.org")
    browser = app.test_client()
    alpha = territory_address(territory_client, mode, "alpha", browser)
    beta = territory_address(territory_client, mode, "beta", browser)
    alpha.login(person.email, DEFAULT_PASSWORD)
    beta.login("same@example.org", DEFAULT_PASSWORD)
    beta_token = beta.csrf_token()

    def name_in_alpha():
        with in_territory("alpha"):
            return db.session.get(User, person.id).display_name

    refused = alpha.post("/account/", data={"csrf_token": beta_token, "display_name": "After", "locale": ""})
    assert refused.status_code == 400 and name_in_alpha() == "Before"

    accepted = alpha.submit("/account/", {"display_name": "Changed with alpha's token", "locale": ""})
    assert accepted.status_code == 302 and name_in_alpha() == "Changed with alpha's token"
