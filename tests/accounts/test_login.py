"""Sign-in, sign-out, redirects, rate limits and session scope."""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD


def test_sign_in_then_out(alpha, make_user):
    person = make_user(display_name="Yves Le Gall")
    alpha.login(person.email, DEFAULT_PASSWORD)
    assert "Yves Le Gall" in alpha.get("/account/").get_data(as_text=True)

    alpha.logout()
    response = alpha.get("/account/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("email, password", [
    ("person@example.org", "wrong password here"),
    ("nobody@example.org", DEFAULT_PASSWORD),
])
def test_wrong_credentials_get_one_message_for_both_cases(alpha, make_user, email, password):
    make_user(email="person@example.org")
    response = alpha.submit("/account/login", {"email": email, "password": password})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "adresse e-mail ou le mot de passe" in body or "e-mail address or the password" in body


def test_email_is_matched_whatever_its_case(alpha, make_user):
    make_user(email="camille@example.org")
    alpha.login("  Camille@Example.ORG ", DEFAULT_PASSWORD)


@pytest.mark.parametrize("target, expected", [
    ("/account/", "/account/"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
])
def test_next_only_leads_to_this_site(alpha, make_user, target, expected):
    person = make_user()
    response = alpha.submit("/account/login", {"email": person.email, "password": DEFAULT_PASSWORD,
                                               "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_sign_in_is_limited_per_account(app, alpha, make_user):
    person = make_user()
    app.config["PTCC_LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    try:
        codes = [alpha.submit("/account/login", {"email": person.email, "password": "bad password 123"}).status_code
                 for _ in range(4)]
        blocked = alpha.submit("/account/login", {"email": person.email, "password": DEFAULT_PASSWORD})
    finally:
        app.config["PTCC_LOGIN_LIMIT_PER_ACCOUNT"] = "1000 per minute"
    assert codes == [400, 400, 400, 429]
    assert blocked.status_code == 429  # even the right password waits: the account is under attack


def test_sign_in_is_limited_per_address(app, alpha, make_user):
    app.config["PTCC_LOGIN_LIMIT_PER_IP"] = "2 per minute"
    try:
        codes = [alpha.submit("/account/login", {"email": f"p{i}@example.org", "password": "x" * 12}).status_code
                 for i in range(3)]
    finally:
        app.config["PTCC_LOGIN_LIMIT_PER_IP"] = "1000 per minute"
    assert codes == [400, 400, 429]


def test_limits_of_one_territory_do_not_block_another(app, alpha, beta, make_user):
    make_user(tenant="beta", email="same@example.org")
    app.config["PTCC_LOGIN_LIMIT_PER_ACCOUNT"] = "1 per minute"
    try:
        alpha.submit("/account/login", {"email": "same@example.org", "password": "bad password 123"})
        assert alpha.submit("/account/login", {"email": "same@example.org", "password": "x" * 12}).status_code == 429
        beta.login("same@example.org", DEFAULT_PASSWORD)
    finally:
        app.config["PTCC_LOGIN_LIMIT_PER_ACCOUNT"] = "1000 per minute"


def test_a_session_of_alpha_does_not_sign_in_on_beta(app, make_user):
    """Same secret key, same e-mail and the same user id in both territories."""
    alpha_person = make_user(tenant="alpha", email="same@example.org")
    beta_person = make_user(tenant="beta", email="same@example.org")
    assert alpha_person.id == beta_person.id
    from ptcc.testing.clients import TerritoryClient

    alpha = TerritoryClient(app.test_client(), "alpha.test")
    alpha.login("same@example.org", DEFAULT_PASSWORD)
    cookie = alpha.client.get_cookie("session", domain="alpha.test")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="beta.test")
    response = thief.get("/account/", base_url="http://beta.test")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_prefixed_territory_keeps_its_own_session(territory_client, make_user):
    make_user(tenant="alpha", email="a@example.org")
    shared = territory_client("alpha", prefix=True)
    shared.login("a@example.org", DEFAULT_PASSWORD)
    beta_on_same_host = territory_client("beta", prefix=True, flask_client=shared.client)
    response = beta_on_same_host.get("/account/")
    assert response.status_code == 302 and "/t/beta/account/login" in response.headers["Location"]
