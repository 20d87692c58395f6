"""A CSRF token issued by one territory is refused by another, with the same secret key."""

from __future__ import annotations

from ptcc.testing.factories import DEFAULT_PASSWORD


def test_beta_csrf_token_does_not_validate_a_form_on_alpha(alpha, beta, make_user, in_territory):
    from ptcc.accounts.models import User
    from ptcc.extensions import db

    person = make_user(tenant="alpha", email="same@example.org", display_name="Before")
    make_user(tenant="beta", email="same@example.org")
    alpha.login(person.email, DEFAULT_PASSWORD)
    beta.login("same@example.org", DEFAULT_PASSWORD)
    beta_token = beta.csrf_token()

    refused = alpha.post("/account/", data={"csrf_token": beta_token, "display_name": "After", "locale": ""})
    accepted = alpha.submit("/account/", {"display_name": "Changed with alpha's token", "locale": ""})

    assert refused.status_code == 400
    assert accepted.status_code == 302
    with in_territory("alpha"):
        assert db.session.get(User, person.id).display_name == "Changed with alpha's token"
