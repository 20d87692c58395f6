"""Forgotten password: signed, expiring, single-use links, per territory."""

from __future__ import annotations

from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.accounts.conftest import link_in

NEW = {"password": "un tout nouveau mot de passe", "password_confirm": "un tout nouveau mot de passe"}


def test_reset_link_sets_a_new_password_once(alpha, make_user, outbox):
    person = make_user(email="lou@example.org")
    page = alpha.submit("/account/reset", {"email": "LOU@example.org"})
    assert page.status_code == 200
    link = link_in(outbox("alpha")[0]["body"])

    assert alpha.get(link).status_code == 200
    done = alpha.submit(link, NEW)
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/login")
    alpha.login(person.email, NEW["password"])
    alpha.logout()
    refused = alpha.submit("/account/login", {"email": person.email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 400

    again = alpha.get(link)
    assert again.status_code == 302 and again.headers["Location"].endswith("/account/reset")


def test_an_expired_link_is_refused(app, alpha, make_user, outbox):
    person = make_user()
    alpha.submit("/account/reset", {"email": person.email})
    link = link_in(outbox("alpha")[0]["body"])
    app.config["PTCC_RESET_MAX_AGE"] = -1
    try:
        response = alpha.submit(link, NEW)
    finally:
        app.config["PTCC_RESET_MAX_AGE"] = 7200
    assert response.status_code == 302
    alpha.login(person.email, DEFAULT_PASSWORD)


def test_unknown_address_gets_the_same_page_and_no_mail(alpha, outbox):
    response = alpha.submit("/account/reset", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "nobody@example.org" in response.get_data(as_text=True)
    assert outbox("alpha") == []


def test_a_reset_link_of_beta_does_nothing_on_alpha(alpha, beta, make_user, outbox):
    make_user(tenant="alpha", email="same@example.org")
    make_user(tenant="beta", email="same@example.org")
    beta.submit("/account/reset", {"email": "same@example.org"})
    link = link_in(outbox("beta")[0]["body"])

    response = alpha.submit(link, NEW)

    assert response.status_code == 302 and response.headers["Location"].endswith("/account/reset")
    alpha.login("same@example.org", DEFAULT_PASSWORD)
    beta.login("same@example.org", DEFAULT_PASSWORD)


def test_a_new_password_ends_the_other_sessions(app, alpha, territory_client, make_user, outbox):
    person = make_user()
    other_device = territory_client("alpha")
    other_device.login(person.email, DEFAULT_PASSWORD)
    alpha.submit("/account/reset", {"email": person.email})
    alpha.submit(link_in(outbox("alpha")[0]["body"]), NEW)

    response = other_device.get("/account/")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_short_new_password_is_refused(alpha, make_user, outbox):
    person = make_user()
    alpha.submit("/account/reset", {"email": person.email})
    link = link_in(outbox("alpha")[0]["body"])
    response = alpha.submit(link, {"password": "court", "password_confirm": "court"})
    assert response.status_code == 400 and 'id="password-error"' in response.get_data(as_text=True)
    alpha.login(person.email, DEFAULT_PASSWORD)
