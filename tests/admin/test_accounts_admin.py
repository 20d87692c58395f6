"""Administrators deactivate, reactivate and delete accounts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.audit.models import AuditEntry
from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD


def person_row(in_territory, user_id, slug="alpha"):
    with in_territory(slug):
        user = db.session.get(User, user_id)
        return None if user is None else (user.deactivated_at, user.auth_version)


def actions(in_territory) -> list[str]:
    with in_territory("alpha"):
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_deactivation_blocks_sign_in_and_ends_live_sessions(admin_client, make_user, territory_client,
                                                             in_territory, outbox):
    target = make_user(tenant="alpha", email="dora@example.org", display_name="Dora Deactivated", locale="en")
    live = territory_client("alpha")
    live.login(target.email, DEFAULT_PASSWORD)
    assert live.get("/account/").status_code == 200

    confirm = admin_client.get(f"/admin/people/{target.id}/deactivate")
    assert confirm.status_code == 200 and "Dora Deactivated" in confirm.get_data(as_text=True)
    assert person_row(in_territory, target.id)[0] is None  # the page changes nothing
    done = admin_client.submit(f"/admin/people/{target.id}/deactivate")
    assert done.status_code == 302
    assert person_row(in_territory, target.id)[0] is not None

    # The open session ends at its next request.
    ended = live.get("/account/")
    assert ended.status_code == 302 and "/account/login" in ended.headers["Location"]
    # Signing in again is refused with a clear message; a wrong password says nothing more.
    fresh = territory_client("alpha")
    english = {"Accept-Language": "en"}
    refused = fresh.submit("/account/login", {"email": target.email, "password": DEFAULT_PASSWORD}, headers=english)
    assert refused.status_code == 403 and "deactivated" in refused.get_data(as_text=True)
    wrong = fresh.submit("/account/login", {"email": target.email, "password": "not the password at all"},
                         headers=english)
    assert wrong.status_code == 400 and "deactivated" not in wrong.get_data(as_text=True)

    assert "Deactivated" in admin_client.get("/admin/people").get_data(as_text=True)
    assert actions(in_territory)[-1] == "account.deactivated"
    mail = outbox("alpha")[-1]
    assert mail["recipient"] == target.email and "deactivated" in mail["subject"]

    # Reactivated: the password works again; the old session stays ended.
    assert admin_client.get(f"/admin/people/{target.id}/reactivate").status_code == 200
    assert admin_client.submit(f"/admin/people/{target.id}/reactivate").status_code == 302
    assert live.get("/account/").status_code == 302
    territory_client("alpha").login(target.email, DEFAULT_PASSWORD)
    assert actions(in_territory)[-1] == "account.reactivated"
    assert "active again" in outbox("alpha")[-1]["subject"]


def test_password_reset_does_not_revive_a_deactivated_account(admin_client, make_user, territory_client,
                                                              in_territory, outbox):
    from ptcc.accounts.services import _password_fingerprint
    from ptcc.accounts.tokens import make_token

    target = make_user(tenant="alpha", email="rex@example.org", locale="en")
    admin_client.submit(f"/admin/people/{target.id}/deactivate")
    before = len(outbox("alpha"))
    visitor = territory_client("alpha")
    visitor.submit("/account/reset", {"email": target.email})
    assert len(outbox("alpha")) == before  # no link is sent
    with in_territory("alpha"):
        user = db.session.get(User, target.id)
        token = make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)})
    answer = visitor.submit(f"/account/reset/{token}", {"password": "a brand new password",
                                                        "password_confirm": "a brand new password"})
    assert answer.status_code == 302 and "/account/reset" in answer.headers["Location"]
    refused = visitor.submit("/account/login", {"email": target.email, "password": "a brand new password"})
    assert refused.status_code in (400, 403)
    assert person_row(in_territory, target.id)[0] is not None


def test_contributions_stay_attributed_after_deactivation(admin_client, make_user, in_territory, alpha):
    from ptcc.organisations import models as m

    author = make_user(tenant="alpha", display_name="Ana Author")
    with in_territory("alpha"):
        organisation = m.Organisation(slug="ana-coop", name="Ana's coop", kind=m.OrganisationKind.ASSOCIATION,
                                      commune="Lyon", status=m.OrganisationStatus.APPROVED, created_by_id=author.id)
        db.session.add(organisation)
        db.session.add(m.Membership(organisation=organisation, user_id=author.id, role=m.MembershipRole.OWNER))
        db.session.commit()
    admin_client.submit(f"/admin/people/{author.id}/deactivate")
    assert alpha.get("/organisations/ana-coop").status_code == 200
    with in_territory("alpha"):
        organisation = db.session.scalar(sa.select(m.Organisation).where(m.Organisation.slug == "ana-coop"))
        assert organisation.created_by_id == author.id
        assert [ms.user_id for ms in organisation.memberships] == [author.id]


@pytest.mark.parametrize("action", ["deactivate", "delete"])
def test_an_admin_cannot_act_on_their_own_account(action, admin_client, admin, in_territory):
    answer = admin_client.submit(f"/admin/people/{admin.id}/{action}")
    assert answer.status_code == 400
    assert person_row(in_territory, admin.id) == (None, 1)


def test_a_deactivated_administrator_does_not_count_as_another_one(admin_client, admin, make_user, in_territory):
    other = make_user(tenant="alpha", role="admin")
    assert admin_client.submit(f"/admin/people/{other.id}/deactivate").status_code == 302
    # The only administrator who can sign in may not delete their own account.
    refused = admin_client.submit("/account/delete", {"password": DEFAULT_PASSWORD})
    assert refused.status_code == 400 and "only administrator" in refused.get_data(as_text=True)
    assert person_row(in_territory, admin.id) is not None


def test_deleting_the_last_administrator_is_refused(app, admin, make_user, in_territory):
    from ptcc.accounts.services import erase_account
    from ptcc.errors import ServiceError
    from tests.admin.conftest import service_context

    with service_context(app):
        with pytest.raises(ServiceError, match="Ada Admin"):
            erase_account(db.session.get(User, admin.id), by=db.session.get(User, admin.id))
        db.session.rollback()
    assert person_row(in_territory, admin.id) is not None


@pytest.mark.parametrize("path", ["deactivate", "reactivate", "delete"])
@pytest.mark.parametrize("role", ["member", "moderator"])
def test_only_administrators_act_on_accounts(path, role, signed_in, make_user, in_territory):
    target = make_user(tenant="alpha")
    _user, client = signed_in(role)
    assert client.get(f"/admin/people/{target.id}/{path}").status_code == 403
    assert client.submit(f"/admin/people/{target.id}/{path}").status_code == 403
    assert person_row(in_territory, target.id) == (None, 1)


def test_unknown_person_is_404(admin_client):
    assert admin_client.get("/admin/people/999999/deactivate").status_code == 404
    assert admin_client.submit("/admin/people/999999/delete").status_code == 404


def test_admin_deletion_erases_like_self_deletion(admin_client, make_user, in_territory, outbox):
    from ptcc.activity.models import ActivityEntry
    from ptcc.organisations import models as m

    gone = make_user(tenant="alpha", email="gone@example.org", display_name="Gil Gone", locale="en")
    keeper = make_user(tenant="alpha")
    with in_territory("alpha"):
        organisation = m.Organisation(slug="gil-coop", name="Gil's coop", kind=m.OrganisationKind.ASSOCIATION,
                                      commune="Lyon", status=m.OrganisationStatus.APPROVED, created_by_id=gone.id)
        db.session.add(organisation)
        db.session.add_all([
            m.Membership(organisation=organisation, user_id=gone.id, role=m.MembershipRole.MEMBER),
            m.Membership(organisation=organisation, user_id=keeper.id, role=m.MembershipRole.OWNER)])
        db.session.commit()
    page = admin_client.get(f"/admin/people/{gone.id}/delete").get_data(as_text=True)
    assert "Gil Gone" in page and "cannot be undone" in page
    assert admin_client.submit(f"/admin/people/{gone.id}/delete").status_code == 302
    assert person_row(in_territory, gone.id) is None
    with in_territory("alpha"):
        organisation = db.session.scalar(sa.select(m.Organisation).where(m.Organisation.slug == "gil-coop"))
        assert organisation is not None and organisation.created_by_id is None
        assert [ms.user_id for ms in organisation.memberships] == [keeper.id]
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.deleted")).one()
        assert "gone@example.org" not in repr(entry.details) and "Gil Gone" not in repr(entry.details)
        assert entry.details == {"self_service": False}
    assert outbox("alpha")[-1]["recipient"] == "gone@example.org"


def test_admin_deletion_is_refused_while_the_person_is_an_only_owner(admin_client, make_user, in_territory):
    from ptcc.organisations import models as m

    owner = make_user(tenant="alpha", display_name="Only Owner")
    with in_territory("alpha"):
        organisation = m.Organisation(slug="only-coop", name="Only coop", kind=m.OrganisationKind.ASSOCIATION,
                                      commune="Lyon", status=m.OrganisationStatus.APPROVED)
        db.session.add(organisation)
        db.session.add(m.Membership(organisation=organisation, user_id=owner.id, role=m.MembershipRole.OWNER))
        db.session.commit()
    answer = admin_client.submit(f"/admin/people/{owner.id}/delete")
    assert answer.status_code == 400
    body = answer.get_data(as_text=True)
    assert "Only Owner" in body and "Only coop" in body
    assert person_row(in_territory, owner.id) is not None
