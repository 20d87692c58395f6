"""Profile, language, personal data export and account deletion."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ptcc.testing.factories import DEFAULT_PASSWORD


def test_language_choice_is_kept_on_the_account(alpha, make_user):
    person = make_user()
    alpha.login(person.email, DEFAULT_PASSWORD)
    assert '<html lang="fr">' in alpha.get("/account/").get_data(as_text=True)

    response = alpha.submit("/account/", {"display_name": "Nouveau Nom", "locale": "en"})
    assert response.status_code == 302
    page = alpha.get("/account/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Nouveau Nom" in page and "My account" in page


def test_a_language_the_territory_does_not_offer_is_refused(alpha, make_user):
    person = make_user()
    alpha.login(person.email, DEFAULT_PASSWORD)
    response = alpha.submit("/account/", {"display_name": "X", "locale": "de"})
    assert response.status_code == 400 and 'id="locale-error"' in response.get_data(as_text=True)


def test_export_gives_the_person_their_data_as_json(alpha, make_user):
    person = make_user(email="export@example.org", display_name="Zoé Martin")
    alpha.login(person.email, DEFAULT_PASSWORD)
    response = alpha.get("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "export@example.org"
    assert data["account"]["display_name"] == "Zoé Martin"
    assert "password" not in json.dumps(data)


def test_deleting_needs_the_password_and_then_erases_the_account(app, alpha, make_user, in_territory):
    from ptcc.accounts.models import User
    from ptcc.extensions import db

    person = make_user(email="leaving@example.org")
    alpha.login(person.email, DEFAULT_PASSWORD)
    assert alpha.get("/account/delete").status_code == 200

    refused = alpha.submit("/account/delete", {"password": "not my password"})
    assert refused.status_code == 400
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(User).where(User.email == "leaving@example.org")) is not None

    done = alpha.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert done.status_code == 302
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(User).where(User.email == "leaving@example.org")) is None
    assert alpha.get("/account/").status_code == 302
    assert alpha.submit("/account/login", {"email": person.email, "password": DEFAULT_PASSWORD}).status_code == 400


def test_the_only_administrator_cannot_delete_their_account(alpha, make_user):
    admin = make_user(role="admin")
    alpha.login(admin.email, DEFAULT_PASSWORD)
    response = alpha.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    alpha.logout()
    alpha.login(admin.email, DEFAULT_PASSWORD)


@pytest.mark.parametrize("path", ["/account/", "/account/export", "/account/delete"])
def test_account_pages_need_a_signed_in_person(alpha, path):
    response = alpha.get(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
