"""Leaving, removing a member and cancelling an invitation ask first: each button is a link to a
confirmation page (GET, no JavaScript) whose form POSTs to the same address."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions


def state(in_territory):
    with in_territory("alpha"):
        return (db.session.execute(sa.select(m.Membership.id, m.Membership.user_id, m.Membership.role,
                                             m.Membership.status).order_by(m.Membership.id)).all(),
                db.session.execute(sa.select(m.Invitation.id, m.Invitation.email).order_by(m.Invitation.id)).all())


def form_action(html: str) -> str:
    """The action of the confirmation form (the page's only POST form besides signing out)."""
    actions = re.findall(r'<form method="post" action="([^"]+)" class="actions">', html)
    assert len(actions) == 1, actions
    return actions[0]


def test_leaving_asks_first_then_leaves(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", locale="en", display_name="Marc Member")
    _id, slug = make_organisation(owner, name="Vélo Cité", members=[(member, "member", True)])
    client = client_for(member)

    profile = client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert f'href="/organisations/{slug}/leave"' in profile
    assert f'action="/organisations/{slug}/leave"' not in profile  # no form leaves in one click

    before, audit = state(in_territory), audit_actions(in_territory)
    page = client.get(f"/organisations/{slug}/leave")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Leave Vélo Cité?" in html and "you lose access to its members page" in html
    assert "stop being one of its owners" not in html  # only said to an owner
    assert form_action(html) == f"/organisations/{slug}/leave"
    assert 'name="csrf_token"' in html and f'href="/organisations/{slug}"' in html  # cancel leads back
    assert state(in_territory) == before and audit_actions(in_territory) == audit

    left = client.submit(form_action(html), follow_redirects=True)
    assert "You no longer belong to Vélo Cité." in left.get_data(as_text=True)
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(m.Membership).where(m.Membership.user_id == member.id)) is None


def test_an_owner_is_told_what_they_lose_and_the_last_owner_cannot_leave(
        make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    second = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, status="pending", members=[(second, "owner", True)])
    html = client_for(second).get(f"/organisations/{slug}/leave").get_data(as_text=True)
    assert "stop being one of its owners" in html and "only its members see its page" in html

    _id, alone = make_organisation(owner)
    client = client_for(owner)
    before = state(in_territory)
    refused = client.get(f"/organisations/{alone}/leave")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/organisations/{alone}")
    assert "make another member owner before leaving" in client.get(f"/organisations/{alone}").get_data(as_text=True)
    assert state(in_territory) == before


def test_withdrawing_a_request_is_asked_gently(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    asker = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, members=[(asker, "member", False, "pending")])
    before = state(in_territory)
    html = client_for(asker).get(f"/organisations/{slug}/leave").get_data(as_text=True)
    assert "Withdraw your request to join" in html and "Withdraw my request" in html
    assert state(in_territory) == before


def test_removing_a_member_asks_first(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", display_name="Marc Member", email="marc@example.org")
    _id, slug = make_organisation(owner, name="Vélo Cité", members=[(member, "member", True)])
    with in_territory("alpha"):
        ids = dict(db.session.execute(sa.select(m.Membership.user_id, m.Membership.id)).all())
    client = client_for(owner)
    members = client.get(f"/organisations/{slug}/members").get_data(as_text=True)
    remove = f"/organisations/{slug}/members/{ids[member.id]}/remove"
    assert f'href="{remove}"' in members and f'action="{remove}"' not in members
    assert f'/members/{ids[owner.id]}/remove' not in members  # nobody removes themselves here

    before, audit = state(in_territory), audit_actions(in_territory)
    html = client.get(remove).get_data(as_text=True)
    assert "Remove Marc Member from Vélo Cité?" in html and "marc@example.org" in html
    assert "They are not told by e-mail." in html and form_action(html) == remove
    assert state(in_territory) == before and audit_actions(in_territory) == audit

    # The last owner, reached by address: the refusal the button gives, nothing changed.
    refused = client.get(f"/organisations/{slug}/members/{ids[owner.id]}/remove", follow_redirects=True)
    assert "is the last owner of the organisation and cannot be removed" in refused.get_data(as_text=True)
    assert state(in_territory) == before

    assert client.submit(remove).status_code == 302
    with in_territory("alpha"):
        assert db.session.get(m.Membership, ids[member.id]) is None
    assert client.get(remove).status_code == 404  # gone: nothing left to confirm


def test_cancelling_an_invitation_asks_first(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    org_id, slug = make_organisation(owner)
    with in_territory("alpha"):
        invitation = m.Invitation(organisation_id=org_id, email="invitee@example.org", role=m.MembershipRole.OWNER)
        db.session.add(invitation)
        db.session.commit()
        cancel = f"/organisations/{slug}/invitations/{invitation.id}/cancel"
    client = client_for(owner)
    members = client.get(f"/organisations/{slug}/members").get_data(as_text=True)
    assert f'href="{cancel}"' in members and f'action="{cancel}"' not in members

    before, audit = state(in_territory), audit_actions(in_territory)
    html = client.get(cancel).get_data(as_text=True)
    assert "Cancel the invitation sent to invitee@example.org?" in html and "will no longer work" in html
    assert "Owner" in html and form_action(html) == cancel
    assert state(in_territory) == before and audit_actions(in_territory) == audit

    assert client.submit(cancel).status_code == 302
    assert state(in_territory)[1] == []
    assert client.get(cancel).status_code == 404


def test_the_confirmation_form_posts_to_the_territory_path(make_user, make_organisation, territory_client,
                                                           in_territory):
    """On the platform host (/t/alpha/...), the form must post under the same prefix."""
    from ptcc.testing.factories import DEFAULT_PASSWORD

    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, members=[(member, "member", False)])
    client = territory_client("alpha", prefix=True)
    client.login(member.email, DEFAULT_PASSWORD)
    html = client.get(f"/organisations/{slug}/leave").get_data(as_text=True)
    assert form_action(html) == f"/t/alpha/organisations/{slug}/leave"
