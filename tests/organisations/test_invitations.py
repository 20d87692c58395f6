"""Invitations: the e-mailed link, who may accept it, and the links that must not work."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.accounts.tokens import make_token
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations import memberships
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, load, service_context

LINK_RE = re.compile(r"http://alpha\.test(/organisations/invitations/[^\s]+)")


def invite(app, owner, org_id, email, role="member", may_sign=False) -> str:
    """Send an invitation as ``owner``; returns the link's path."""
    with service_context(app):
        invitation = memberships.invite(load(User, owner.id), load(m.Organisation, org_id), email, role, may_sign)
        link = memberships.invitation_link(invitation)
        db.session.commit()
    return LINK_RE.search(link).group(1)


def active_membership(in_territory, org_id, user_id):
    with in_territory("alpha"):
        found = db.session.scalar(sa.select(m.Membership).where(
            m.Membership.organisation_id == org_id, m.Membership.user_id == user_id))
        return (found.role.value, found.may_sign, found.status.value) if found else None


def test_owner_invites_by_e_mail_and_the_invitee_accepts(
        app, make_user, make_organisation, client_for, outbox, in_territory):
    owner = make_user(tenant="alpha", display_name="Olga Owner")
    org_id, slug = make_organisation(owner, name="Vélo Cité")
    invitee = make_user(tenant="alpha", email="invitee@example.org", locale="en")

    response = client_for(owner).submit(f"/organisations/{slug}/invitations",
                                        {"email": " Invitee@Example.org ", "role": "owner", "may_sign": "y"})
    assert response.status_code == 302
    [mail] = outbox("alpha")
    assert mail["recipient"] == "invitee@example.org"
    assert mail["subject"] == "Invitation to join Vélo Cité"
    assert "Olga Owner invites you to join Vélo Cité" in mail["body"] and "as: Owner" in mail["body"]
    path = LINK_RE.search(mail["body"]).group(1)

    client = client_for(invitee)
    page = client.get(path)
    assert page.status_code == 200 and "Accept the invitation" in page.get_data(as_text=True)
    assert active_membership(in_territory, org_id, invitee.id) is None  # a GET changes nothing

    response = client.submit(path)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/organisations/{slug}")
    assert active_membership(in_territory, org_id, invitee.id) == ("owner", True, "active")
    assert audit_actions(in_territory) == ["invitation.sent", "invitation.accepted"]

    # Used once: the link no longer works.
    assert client.get(path).status_code == 404
    assert client.submit(path).status_code == 404


def test_only_the_invited_address_may_accept(app, make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner)
    someone_else = make_user(tenant="alpha", email="someone@example.org", locale="en")
    path = invite(app, owner, org_id, "invitee@example.org")

    client = client_for(someone_else)
    page = client.get(path).get_data(as_text=True)
    assert "sent to invitee@example.org" in page and "Accept the invitation" not in page
    response = client.submit(path)
    assert response.status_code == 403
    assert active_membership(in_territory, org_id, someone_else.id) is None


def test_anonymous_visitor_is_asked_to_sign_in_with_the_invited_address(app, alpha, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, name="Canuts")
    path = invite(app, owner, org_id, "new.person@example.org")
    page = alpha.get(path, headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Invitation to join Canuts" in html and "new.person@example.org" in html
    assert "/account/login?next=" in html
    response = alpha.submit(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_expired_link_is_refused(app, make_user, make_organisation, client_for, monkeypatch, in_territory):
    owner = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner)
    invitee = make_user(tenant="alpha", email="late@example.org", locale="en")
    path = invite(app, owner, org_id, invitee.email)
    monkeypatch.setitem(app.config, "PTCC_INVITE_MAX_AGE", -1)
    client = client_for(invitee)
    page = client.get(path)
    assert page.status_code == 404 and "may have expired" in page.get_data(as_text=True)
    assert client.submit(path).status_code == 404
    assert active_membership(in_territory, org_id, invitee.id) is None


@pytest.mark.parametrize("forge", ["tampered", "other_purpose", "other_territory", "garbage"])
def test_forged_links_are_refused(app, make_user, make_organisation, client_for, in_territory, forge):
    owner = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner)
    invitee = make_user(tenant="alpha", email="invitee@example.org", locale="en")
    path = invite(app, owner, org_id, invitee.email)
    token = path.rsplit("/", 1)[1]
    with service_context(app):
        invitation_id = db.session.scalar(sa.select(m.Invitation.id))
    data = {"id": invitation_id, "email": invitee.email}
    if forge == "tampered":
        token = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    elif forge == "other_purpose":
        with service_context(app):
            token = make_token("reset", data)
    elif forge == "other_territory":
        with service_context(app, "beta"):
            token = make_token(memberships.INVITE_PURPOSE, data)
    else:
        token = "not-a-token"
    client = client_for(invitee)
    assert client.get(f"/organisations/invitations/{token}").status_code == 404
    assert client.submit(f"/organisations/invitations/{token}").status_code == 404
    assert active_membership(in_territory, org_id, invitee.id) is None


def test_cancelled_invitation_no_longer_works(app, make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha")
    org_id, slug = make_organisation(owner)
    invitee = make_user(tenant="alpha", email="invitee@example.org")
    path = invite(app, owner, org_id, invitee.email)
    with in_territory("alpha"):
        invitation_id = db.session.scalar(sa.select(m.Invitation.id))
    assert client_for(owner).submit(f"/organisations/{slug}/invitations/{invitation_id}/cancel").status_code == 302
    assert client_for(invitee).submit(path).status_code == 404
    assert active_membership(in_territory, org_id, invitee.id) is None


def test_inviting_again_refreshes_and_members_cannot_be_invited(app, make_user, make_organisation, outbox):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", email="member@example.org")
    org_id, _ = make_organisation(owner, members=[(member, "member", False)])
    invite(app, owner, org_id, "new@example.org")
    invite(app, owner, org_id, "NEW@example.org", role="owner")
    with service_context(app):
        [invitation] = db.session.scalars(sa.select(m.Invitation)).all()
        assert invitation.role == m.MembershipRole.OWNER
        for email, field in (("member@example.org", "email"), ("not an address", "email")):
            with pytest.raises(ServiceError) as refused:
                memberships.invite(load(User, owner.id), load(m.Organisation, org_id), email)
            assert refused.value.field == field
    assert len(outbox("alpha")) == 2


def test_an_invitation_never_demotes(app, make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha")
    invitee = make_user(tenant="alpha", email="co@example.org")
    org_id, _ = make_organisation(owner)
    path = invite(app, owner, org_id, invitee.email, role="member", may_sign=False)
    # Before the invitee opens the link, they became an owner another way.
    with in_territory("alpha"):
        db.session.add(m.Membership(organisation_id=org_id, user_id=invitee.id, role=m.MembershipRole.OWNER,
                                    may_sign=True))
        db.session.commit()
    assert client_for(invitee).submit(path).status_code == 302
    assert active_membership(in_territory, org_id, invitee.id) == ("owner", True, "active")


def test_invitation_turns_a_join_request_into_membership(app, make_user, make_organisation, client_for,
                                                         in_territory):
    owner = make_user(tenant="alpha")
    asking = make_user(tenant="alpha", email="asking@example.org")
    org_id, _ = make_organisation(owner, members=[(asking, "member", False, "pending")])
    path = invite(app, owner, org_id, asking.email, may_sign=True)
    assert client_for(asking).submit(path).status_code == 302
    assert active_membership(in_territory, org_id, asking.id) == ("member", True, "active")
