from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import Role, User
from ptcc.admin import services
from ptcc.tenancy.models import TerritorySettings
from ptcc.audit.models import AuditEntry
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.admin.conftest import service_context, table_rows


def role_of(in_territory, user_id, slug="alpha"):
    with in_territory(slug):
        return db.session.get(User, user_id).role


def test_people_list_search_and_filter(admin_client, make_user, admin):
    make_user(tenant="alpha", display_name="Zoé Martin", email="zoe@example.org")
    make_user(tenant="alpha", display_name="Yann Le Goff", email="yann@coop.example", role="moderator",
              verified=False)
    make_user(tenant="beta", display_name="Beta Person", email="someone@beta.example")

    html = table_rows(admin_client.get("/admin/people").get_data(as_text=True))
    assert "Zoé Martin" in html and "Yann Le Goff" in html and "Ada Admin" in html
    assert "Beta Person" not in html
    assert "3 people found" in admin_client.get("/admin/people").get_data(as_text=True)

    html = table_rows(admin_client.get("/admin/people?q=COOP.example").get_data(as_text=True))
    assert "Yann Le Goff" in html and "Zoé Martin" not in html

    html = table_rows(admin_client.get("/admin/people?q=zo").get_data(as_text=True))
    assert "Zoé Martin" in html and "Yann Le Goff" not in html

    html = table_rows(admin_client.get("/admin/people?role=moderator").get_data(as_text=True))
    assert "Yann Le Goff" in html and "Zoé Martin" not in html and "Ada Admin" not in html

    html = admin_client.get("/admin/people?q=%25").get_data(as_text=True)
    assert "Nobody matches this search" in html

    assert admin_client.get("/admin/people?role=emperor").status_code == 400


def test_people_list_is_paginated(app, admin_client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_PER_PAGE", 2)
    for n in range(4):
        make_user(tenant="alpha", display_name=f"Person {n}")
    first = admin_client.get("/admin/people").get_data(as_text=True)
    assert "Page 1 of 3" in first and 'rel="next"' in first
    third = admin_client.get("/admin/people?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in third and 'rel="prev"' in third


def test_creation_dates_follow_the_territory_time_zone(admin_client, make_user, in_territory):
    late = make_user(tenant="alpha", display_name="Late Joiner")
    with in_territory("alpha"):
        db.session.get(User, late.id).created_at = datetime(2024, 1, 15, 23, 30, tzinfo=timezone.utc)
        db.session.commit()
    html = admin_client.get("/admin/people?q=Late").get_data(as_text=True)
    assert "16 Jan 2024" in html  # Europe/Paris: already the 16th
    with in_territory("alpha"):
        db.session.add(TerritorySettings(id=1, timezone="America/New_York"))
        db.session.commit()
    html = admin_client.get("/admin/people?q=Late").get_data(as_text=True)
    assert "15 Jan 2024" in html and "16 Jan 2024" not in html


def test_admin_changes_a_role_after_confirmation_and_the_person_stays_signed_in(
        admin_client, make_user, territory_client, in_territory):
    member = make_user(tenant="alpha", display_name="Mona Member")
    member_client = territory_client("alpha")
    member_client.login(member.email, DEFAULT_PASSWORD)
    assert member_client.get("/admin/people").status_code == 403

    page = admin_client.get(f"/admin/people/{member.id}/role?role=moderator")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mona Member" in html
    assert '<option selected value="moderator">' in html or 'value="moderator" selected' in html
    assert role_of(in_territory, member.id) == Role.MEMBER  # the GET changes nothing

    response = admin_client.submit(f"/admin/people/{member.id}/role", {"role": "moderator"})
    assert response.status_code == 302
    assert role_of(in_territory, member.id) == Role.MODERATOR
    assert "Mona Member is now: Moderator." in admin_client.get("/admin/people").get_data(as_text=True)

    # Still signed in, with the new role at once.
    assert member_client.get("/admin/people").status_code == 200

    with in_territory("alpha"):
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert entry.action == "user.role_changed"
        assert entry.actor_label == "Ada Admin <admin@example.org>"
        assert (entry.target_type, entry.target_id) == ("user", str(member.id))
        assert entry.details["old_role"] == "member" and entry.details["new_role"] == "moderator"


def test_same_role_and_unknown_role_are_refused(admin_client, make_user, in_territory):
    member = make_user(tenant="alpha")
    assert admin_client.submit(f"/admin/people/{member.id}/role", {"role": "member"}).status_code == 400
    assert admin_client.submit(f"/admin/people/{member.id}/role", {"role": "emperor"}).status_code == 400
    assert role_of(in_territory, member.id) == Role.MEMBER


def test_last_administrator_cannot_be_demoted(app, admin_client, admin, make_user, in_territory):
    response = admin_client.submit(f"/admin/people/{admin.id}/role", {"role": "member"})
    assert response.status_code == 400
    assert "last administrator" in response.get_data(as_text=True)
    assert role_of(in_territory, admin.id) == Role.ADMIN
    with service_context(app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
        with pytest.raises(ServiceError):
            actor = db.session.get(User, admin.id)
            services.change_role(actor, actor, Role.MODERATOR)
        db.session.rollback()

    # With a second administrator, the first may step down; the page then follows the new role.
    other = make_user(tenant="alpha", role="admin")
    response = admin_client.submit(f"/admin/people/{admin.id}/role", {"role": "moderator"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/people")
    assert role_of(in_territory, admin.id) == Role.MODERATOR
    assert admin_client.get("/admin/settings").status_code == 403
    # ...and the other one is now the last.
    with service_context(app):
        actor = db.session.get(User, other.id)
        with pytest.raises(ServiceError):
            services.change_role(actor, actor, Role.MEMBER)
        db.session.rollback()


def test_role_changes_in_alpha_do_not_touch_beta(admin_client, make_user, in_territory):
    member = make_user(tenant="alpha", email="same@example.org")
    twin = make_user(tenant="beta", email="same@example.org")
    assert admin_client.submit(f"/admin/people/{member.id}/role", {"role": "admin"}).status_code == 302
    assert role_of(in_territory, member.id) == Role.ADMIN
    assert role_of(in_territory, twin.id, "beta") == Role.MEMBER
