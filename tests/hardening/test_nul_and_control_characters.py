"""Finding 1: NUL bytes, control and bidirectional-override characters.

A NUL byte is refused with a 400 page before any view runs (PostgreSQL cannot store
it, an e-mail header must not carry it); other control characters get a field error.
Either way nothing is stored and no e-mail is queued.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.extensions import db

NUL_MESSAGE = "caractère NUL"


@pytest.mark.parametrize("path", [
    "/search?q=%00",
    "/search?q=caf%C3%A9%00",
    "/organisations/?commune=%00",
    "/organisations/?topic=a%00b",
    "/missions/?commune=%00",
    "/activity?kind=%00",
    "/organisations/%00",
])
def test_nul_in_a_query_or_a_path_is_a_400_that_says_why(alpha, path):
    response = alpha.get(path)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.get_data(as_text=True)


def test_nul_in_the_sign_in_address_is_refused(alpha, make_user):
    make_user(email="ada@example.org")
    response = alpha.submit("/account/login", {"email": "ada\x00@example.org", "password": "x" * 12})
    assert response.status_code == 400 and NUL_MESSAGE in response.get_data(as_text=True)


def test_nul_in_a_json_body_is_refused(alpha):
    response = alpha.post("/language", json={"locale": "en\x00"})
    assert response.status_code == 400


def test_nul_in_the_profile_changes_nothing(signed_in, make_user, in_territory):
    user = make_user(display_name="Ada Lovelace")
    client = signed_in(user)
    response = client.submit("/account/", {"display_name": "Ada\x00Lovelace", "locale": ""})
    assert response.status_code == 400
    with in_territory("alpha"):
        assert db.session.get(User, user.id).display_name == "Ada Lovelace"


@pytest.mark.parametrize("name", [
    "Ada\u202eecalevoL",      # right-to-left override: reads "Ada Lovelace" backwards
    "Ada\u2066Lovelace",      # left-to-right isolate
    "Ada\x07Lovelace",        # bell
    "Ada\x1bLovelace",        # escape
    "Ada\nLovelace",          # a line break in a one-line name
    "Ada\x85Lovelace",        # C1 next line
])
def test_control_characters_in_a_name_get_a_field_error(signed_in, make_user, in_territory, name):
    user = make_user(display_name="Ada Lovelace")
    client = signed_in(user)
    response = client.submit("/account/", {"display_name": name, "locale": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "caractères de contrôle invisibles" in html and 'id="display_name-error"' in html
    with in_territory("alpha"):
        assert db.session.get(User, user.id).display_name == "Ada Lovelace"


def test_line_breaks_and_accents_stay_allowed_in_multi_line_text(signed_in, make_user, make_org, in_territory):
    from ptcc.organisations.models import Organisation

    owner = make_user()
    slug = make_org(owner)
    client = signed_in(owner)
    form = {"name": "Collectif Été", "kind": "association", "circle": "first", "commune": "Lyon",
            "description": "Première ligne\r\n\tdeuxième — « citée » 🌱"}
    response = client.submit(f"/organisations/{slug}/edit", form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with in_territory("alpha"):
        saved = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        assert saved.description == "Première ligne\r\n\tdeuxième — « citée » 🌱"


def test_an_invitation_with_a_nul_sends_nothing(signed_in, make_user, make_org, outbox):
    owner = make_user()
    slug = make_org(owner)
    client = signed_in(owner)
    response = client.submit(f"/organisations/{slug}/invitations", {"email": "a\x00@example.org", "role": "member"})
    assert response.status_code == 400
    assert outbox("alpha") == []


def test_an_invitation_with_a_control_character_sends_nothing(signed_in, make_user, make_org, outbox):
    owner = make_user()
    slug = make_org(owner)
    client = signed_in(owner)
    response = client.submit(f"/organisations/{slug}/invitations",
                             {"email": "a\r\nBcc: x@evil.example@example.org", "role": "member"})
    assert response.status_code in (200, 400)
    assert outbox("alpha") == []


def test_the_outbox_refuses_a_recipient_with_control_characters(app, in_territory):
    from ptcc.outbox.services import queue_email

    with in_territory("alpha"):
        for recipient in ("a\x00@example.org", "a@example.org\r\nBcc: b@example.org"):
            with pytest.raises(ValueError):
                queue_email(recipient, "Sujet", "Corps")
        db.session.rollback()
