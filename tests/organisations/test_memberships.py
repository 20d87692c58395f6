"""Join requests, roles, the last-owner rule, and what deleting an account does."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import memberships, personal_data
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, load, service_context


def membership(organisation_id: int, user_id: int) -> m.Membership | None:
    return db.session.scalar(sa.select(m.Membership).where(
        m.Membership.organisation_id == organisation_id, m.Membership.user_id == user_id))


def test_join_request_is_answered_by_an_owner(app, make_user, make_organisation, outbox, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    asking = make_user(tenant="alpha", locale="en", display_name="Ana Asker")
    org_id, slug = make_organisation(owner, name="Vélo Cité")
    with service_context(app):
        memberships.request_membership(load(User, asking.id), load(m.Organisation, org_id))
        db.session.commit()
        with pytest.raises(ServiceError, match="already asked"):
            memberships.request_membership(load(User, asking.id), load(m.Organisation, org_id))
        request = membership(org_id, asking.id)
        assert request.status == m.MembershipStatus.PENDING
        with pytest.raises(PermissionDenied):
            memberships.answer_request(load(User, asking.id), request, True)
        memberships.answer_request(load(User, owner.id), request, True)
        db.session.commit()
        assert membership(org_id, asking.id).is_active
        assert membership(org_id, asking.id).role == m.MembershipRole.MEMBER
        with pytest.raises(ServiceError, match="already a member"):
            memberships.request_membership(load(User, asking.id), load(m.Organisation, org_id))
    asked, accepted = outbox("alpha")
    assert asked["recipient"] == owner.email and asked["subject"] == "Ana Asker asks to join Vélo Cité"
    assert f"/organisations/{slug}/members" in asked["body"]
    assert accepted["recipient"] == asking.email and accepted["subject"] == "Welcome to Vélo Cité"
    assert audit_actions(in_territory) == ["membership.accepted"]


def test_refused_join_request_is_deleted_and_the_person_told(app, make_user, make_organisation, outbox):
    owner = make_user(tenant="alpha", locale="en")
    asking = make_user(tenant="alpha", locale="en")
    org_id, _ = make_organisation(owner, name="Canuts", members=[(asking, "member", False, "pending")])
    with service_context(app):
        memberships.answer_request(load(User, owner.id), membership(org_id, asking.id), False)
        db.session.commit()
        assert membership(org_id, asking.id) is None
    [mail] = outbox("alpha")
    assert mail["recipient"] == asking.email and "Canuts" in mail["subject"]


def test_nobody_joins_a_pending_organisation_by_request(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    asking = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, status="pending")
    with service_context(app):
        with pytest.raises(ServiceError):
            memberships.request_membership(load(User, asking.id), load(m.Organisation, org_id))


def test_owner_changes_roles_and_signing(app, make_user, make_organisation, in_territory):
    owner = make_user(tenant="alpha")
    member = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, members=[(member, "member", False)])
    with service_context(app):
        target = membership(org_id, member.id)
        with pytest.raises(PermissionDenied):
            memberships.change_membership(load(User, member.id), target, "owner", True)
        with pytest.raises(ServiceError) as refused:
            memberships.change_membership(load(User, owner.id), target, "emperor", True)
        assert refused.value.field == "role"
        assert memberships.change_membership(load(User, owner.id), target, "owner", True) is True
        db.session.commit()
        assert membership(org_id, member.id).is_owner and membership(org_id, member.id).may_sign
        assert memberships.change_membership(load(User, owner.id), target, "owner", True) is False
    assert audit_actions(in_territory) == ["membership.changed"]


def test_the_last_owner_can_be_neither_demoted_nor_removed_nor_leave(app, make_user, make_organisation):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, members=[(member, "member", False)])
    with service_context(app):
        own = membership(org_id, owner.id)
        actor = load(User, owner.id)
        with pytest.raises(ServiceError, match="last owner"):
            memberships.change_membership(actor, own, "member", True)
        with pytest.raises(ServiceError, match="last owner"):
            memberships.remove_member(actor, own)
        with pytest.raises(ServiceError, match="last owner"):
            memberships.leave(actor, load(m.Organisation, org_id))
        # Signing may change on the last owner: they stay owner.
        assert memberships.change_membership(actor, own, "owner", False) is True
        db.session.rollback()
        # With a second owner, the first may step down, then leave.
        memberships.change_membership(actor, membership(org_id, member.id), "owner", False)
        memberships.change_membership(actor, membership(org_id, owner.id), "member", False)
        memberships.leave(actor, load(m.Organisation, org_id))
        db.session.commit()
        assert membership(org_id, owner.id) is None
        assert membership(org_id, member.id).is_owner


def test_owner_removes_a_member_of_their_own_organisation_only(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    member = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, members=[(member, "member", False)])
    other_id, _ = make_organisation(owner)
    with service_context(app):
        target = membership(org_id, member.id)
        with pytest.raises(NotFound):
            memberships.get_membership(load(m.Organisation, other_id), target.id)
        with pytest.raises(PermissionDenied):
            memberships.remove_member(load(User, member.id), target)
        memberships.remove_member(load(User, owner.id), target)
        db.session.commit()
        assert membership(org_id, member.id) is None


def test_members_overview_by_role(app, make_user, make_organisation):
    owner = make_user(tenant="alpha", display_name="Zoé")
    member = make_user(tenant="alpha", display_name="Anne")
    asking = make_user(tenant="alpha")
    outsider = make_user(tenant="alpha")
    moderator = make_user(tenant="alpha", role="moderator")
    org_id, _ = make_organisation(owner, members=[(member, "member", False), (asking, "member", False, "pending")])
    with service_context(app):
        organisation = load(m.Organisation, org_id)
        seen = memberships.members_overview(load(User, owner.id), organisation)
        assert seen.can_manage and [x.user_id for x in seen.active] == [owner.id, member.id]  # owners first
        assert [x.user_id for x in seen.requests] == [asking.id]
        for reader in (member, moderator):
            seen = memberships.members_overview(load(User, reader.id), organisation)
            assert not seen.can_manage and seen.requests == [] and seen.invitations == []
        for stranger in (asking, outsider):
            with pytest.raises(PermissionDenied):
                memberships.members_overview(load(User, stranger.id), organisation)


def test_personal_data_lists_memberships(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    org_id, slug = make_organisation(owner, name="Jardins")
    with service_context(app):
        data = personal_data.export(load(User, owner.id))
    assert data["memberships"] == [{"organisation": "Jardins", "slug": slug, "role": "owner", "may_sign": True,
                                    "status": "active", "since": data["memberships"][0]["since"]}]
    assert data["organisations_requested"][0]["slug"] == slug


def test_account_deletion_is_refused_for_the_only_owner_of_an_approved_organisation(
        app, make_user, make_organisation):
    owner = make_user(tenant="alpha", locale="en")
    make_organisation(owner, name="Vélo Cité")
    with service_context(app):
        with pytest.raises(ServiceError, match="only owner of Vélo Cité"):
            personal_data.erase(load(User, owner.id))


def test_account_deletion_removes_memberships_and_lone_requests(app, make_user, make_organisation, in_territory):
    owner = make_user(tenant="alpha")
    leaving = make_user(tenant="alpha")
    shared_id, _ = make_organisation(owner, members=[(leaving, "owner", True)])
    lone_id, _ = make_organisation(leaving, status="pending")
    with service_context(app):
        personal_data.erase(load(User, leaving.id))
        db.session.delete(load(User, leaving.id))
        db.session.commit()
        assert membership(shared_id, leaving.id) is None
        assert load(m.Organisation, lone_id) is None
        assert load(m.Organisation, shared_id).created_by_id == owner.id


def test_hooks_are_called_through_the_plugin_manager(app, make_user, make_organisation):
    from ptcc.plugins.manager import plugin_manager

    owner = make_user(tenant="alpha")
    make_organisation(owner, name="Radio Kerlenn")
    with service_context(app):
        user = load(User, owner.id)
        exports = plugin_manager().hook("ptcc_personal_data")(user=user)
        assert any("memberships" in part for part in exports if part)
        with pytest.raises(ServiceError):
            plugin_manager().hook("ptcc_before_user_delete")(user=user)
        results = [r for part in plugin_manager().hook("ptcc_search")(query="kerlenn", user=None, limit=5)
                   for r in part or []]
        assert [r.title for r in results if r.url.startswith("/organisations/")] == ["Radio Kerlenn"]
