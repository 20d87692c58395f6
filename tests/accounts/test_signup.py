"""Sign-up and e-mail verification."""

from __future__ import annotations

import pytest

from tests.accounts.conftest import link_in

SIGNUP = {"display_name": "Nadia Haddad", "email": "Nadia@Example.org",
          "password": "une phrase assez longue", "password_confirm": "une phrase assez longue",
          "accept_terms": "y"}


def test_signup_sends_a_link_that_verifies_the_address(alpha, outbox, users_of):
    response = alpha.submit("/account/signup", SIGNUP)

    assert response.status_code == 200
    assert "nadia@example.org" in response.get_data(as_text=True)
    assert users_of("alpha") == [("nadia@example.org", False)]
    [mail] = outbox("alpha")
    assert mail["recipient"] == "nadia@example.org" and "http://alpha.test/account/verify/" in mail["body"]

    confirmed = alpha.get(link_in(mail["body"]))
    assert confirmed.status_code == 302
    assert users_of("alpha") == [("nadia@example.org", True)]
    alpha.login("nadia@example.org", SIGNUP["password"])
    assert "Nadia Haddad" in alpha.get("/account/").get_data(as_text=True)


def test_signup_with_a_known_address_creates_nothing_and_tells_the_owner(alpha, make_user, outbox, users_of):
    make_user(email="nadia@example.org")
    response = alpha.submit("/account/signup", SIGNUP)

    # Same answer as a new sign-up: the page must not reveal that the address has an account.
    assert response.status_code == 200 and "nadia@example.org" in response.get_data(as_text=True)
    assert users_of("alpha") == [("nadia@example.org", True)]
    [mail] = outbox("alpha")
    assert "/account/reset" in mail["body"] and "/verify/" not in mail["body"]


@pytest.mark.parametrize("change, field", [
    ({"password": "court", "password_confirm": "court"}, "password"),
    ({"password_confirm": "une autre phrase longue"}, "password_confirm"),
    ({"email": "pas-une-adresse"}, "email"),
    ({"display_name": ""}, "display_name"),
])
def test_bad_signup_input_is_refused_next_to_its_field(alpha, users_of, outbox, change, field):
    response = alpha.submit("/account/signup", {**SIGNUP, **change})

    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert users_of("alpha") == [] and outbox("alpha") == []


def test_the_same_address_signs_up_in_both_territories_independently(alpha, beta, users_of):
    alpha.submit("/account/signup", SIGNUP)
    beta.submit("/account/signup", SIGNUP)
    assert users_of("alpha") == users_of("beta") == [("nadia@example.org", False)]


def test_a_verification_link_of_beta_is_refused_on_alpha(alpha, beta, outbox, users_of):
    alpha.submit("/account/signup", SIGNUP)
    beta.submit("/account/signup", SIGNUP)
    beta_link = link_in(outbox("beta")[0]["body"])

    response = alpha.get(beta_link)

    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert users_of("alpha") == [("nadia@example.org", False)]
    assert users_of("beta") == [("nadia@example.org", False)]


def test_a_forged_verification_link_is_refused(alpha, outbox, users_of):
    alpha.submit("/account/signup", SIGNUP)
    link = link_in(outbox("alpha")[0]["body"])
    response = alpha.get(link[:-3] + "xyz")
    assert response.status_code == 302
    assert users_of("alpha") == [("nadia@example.org", False)]


def test_signup_without_csrf_token_is_refused(alpha, users_of):
    response = alpha.post("/account/signup", data=SIGNUP)
    assert response.status_code == 400 and users_of("alpha") == []


def test_an_unverified_person_can_ask_for_a_new_link(alpha, make_user, outbox):
    person = make_user(verified=False)
    alpha.login(person.email, "correct horse battery staple")
    response = alpha.submit("/account/verify/resend")
    assert response.status_code == 302
    [mail] = outbox("alpha")
    assert mail["recipient"] == person.email and "/account/verify/" in mail["body"]
