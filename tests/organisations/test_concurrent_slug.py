"""Two people registering the same name at the same moment: the second gets a clear 409."""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.extensions import db
from tests.organisations.conftest import profile


def test_a_slug_taken_meanwhile_answers_409_and_saves_nothing(app, signed_in, make_organisation, in_territory,
                                                               monkeypatch):
    from ptcc.organisations import models as m
    from ptcc.organisations import services

    first_owner, _client = signed_in()
    _id, taken = make_organisation(first_owner, name="Le Grand Atelier")
    user, client = signed_in()
    # The uniqueness check ran before the other request committed: it saw the slug free.
    monkeypatch.setattr(services, "unique_slug", lambda name: taken)

    response = client.submit("/organisations/new", profile(name="Le Grand Atelier"))

    assert response.status_code == 409
    assert "try again" in response.get_data(as_text=True)
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Organisation)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Membership)
                                 .where(m.Membership.user_id == user.id)) == 0
