"""Who may open which administration page, and the services' own refusals."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ptcc.accounts.models import Role, User
from ptcc.admin import services
from ptcc.tenancy.models import TerritorySettings
from ptcc.audit.models import AuditEntry
from ptcc.errors import PermissionDenied
from ptcc.extensions import db
from tests.admin.conftest import service_context, settings_form

#: (path, method, form) for every administration route; {member} is a member's id.
ROUTES = [
    ("/admin/", "GET", None),
    ("/admin/settings", "GET", None),
    ("/admin/settings", "POST", settings_form(name="Hijacked")),
    ("/admin/people", "GET", None),
    ("/admin/people/{member}/role", "GET", None),
    ("/admin/people/{member}/role", "POST", {"role": "admin"}),
    ("/admin/audit", "GET", None),
]
READABLE_BY_MODERATORS = {"/admin/", "/admin/people", "/admin/audit"}


def request(client, path, method, form):
    if method == "GET":
        return client.get(path)
    return client.submit(path, form)


def nothing_changed(in_territory, member_id):
    with in_territory("alpha"):
        assert db.session.get(TerritorySettings, 1) is None
        assert db.session.get(User, member_id).role == Role.MEMBER
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("path,method,form", ROUTES)
def test_anonymous_is_sent_to_sign_in(alpha, make_user, in_territory, path, method, form):
    member = make_user(tenant="alpha")
    response = request(alpha, path.format(member=member.id), method, form)
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]
    nothing_changed(in_territory, member.id)


@pytest.mark.parametrize("path,method,form", ROUTES)
def test_member_is_refused(signed_in, in_territory, path, method, form):
    member, client = signed_in("member")
    response = request(client, path.format(member=member.id), method, form)
    assert response.status_code == 403
    nothing_changed(in_territory, member.id)


@pytest.mark.parametrize("path,method,form", ROUTES)
def test_moderator_reads_but_does_not_change(signed_in, make_user, in_territory, path, method, form):
    _moderator, client = signed_in("moderator")
    member = make_user(tenant="alpha")
    response = request(client, path.format(member=member.id), method, form)
    if path in READABLE_BY_MODERATORS:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    nothing_changed(in_territory, member.id)


def test_unknown_person_is_404_for_admins(admin_client):
    assert admin_client.get("/admin/people/9999/role").status_code == 404


def test_menu_shows_administration_to_moderators_and_admins_only(signed_in, alpha):
    assert "Administration" not in alpha.get("/").get_data(as_text=True)
    _member, member_client = signed_in("member")
    assert 'href="/admin/"' not in member_client.get("/").get_data(as_text=True)
    for role in ("moderator", "admin"):
        _user, client = signed_in(role)
        assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", [None, "anonymous", "member"])
def test_services_refuse_without_the_role(app, make_user, in_territory, role):
    target = make_user(tenant="alpha")
    with service_context(app):
        if role is None:
            actor = None
        elif role == "anonymous":
            actor = AnonymousUserMixin()
        else:
            actor = db.session.get(User, make_user(tenant="alpha", role=role).id)
        person = db.session.get(User, target.id)
        calls = [
            lambda: services.update_settings(actor, name="Hijacked"),
            lambda: services.current_setting_values(actor),
            lambda: services.change_role(actor, person, Role.ADMIN),
            lambda: services.get_person(actor, person.id),
            lambda: services.list_people(actor),
            lambda: services.audit_entries(actor),
            lambda: services.audit_actions(actor),
            lambda: services.dashboard(actor),
        ]
        for call in calls:
            with pytest.raises(PermissionDenied):
                call()
        db.session.rollback()
    nothing_changed(in_territory, target.id)


def test_moderator_services_read_but_do_not_change(app, make_user, in_territory):
    moderator = make_user(tenant="alpha", role="moderator")
    target = make_user(tenant="alpha")
    with service_context(app):
        actor = db.session.get(User, moderator.id)
        assert services.list_people(actor).total == 2
        assert services.audit_entries(actor).total == 0
        assert services.dashboard(actor)["people"] == 2
        with pytest.raises(PermissionDenied):
            services.update_settings(actor, name="Hijacked")
        with pytest.raises(PermissionDenied):
            services.change_role(actor, db.session.get(User, target.id), Role.MODERATOR)
        db.session.rollback()
    nothing_changed(in_territory, target.id)
