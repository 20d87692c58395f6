"""Who may open or submit which organisation page: every route against every kind of person."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations import models as m
from tests.organisations.conftest import profile

ROLES = ("anonymous", "outsider", "member", "owner", "moderator")
LOGIN = "login"  # a redirect to the sign-in page

#: (method, path, form, {role: expected status}); {a} is an approved organisation where "member"
#: belongs, {p} a pending one; {mm} is the member's membership, {inv} an open invitation.
ROUTES = [
    ("GET", "/organisations/", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/organisations/{a}", None, dict.fromkeys(ROLES, 200)),
    ("GET", "/organisations/new", None, {"anonymous": LOGIN, "outsider": 200, "member": 200, "owner": 200,
                                         "moderator": 200}),
    ("GET", "/organisations/mine", None, {"anonymous": LOGIN, "outsider": 200, "member": 200, "owner": 200,
                                          "moderator": 200}),
    ("GET", "/organisations/{p}", None, {"anonymous": 404, "outsider": 404, "member": 404, "owner": 200,
                                         "moderator": 200}),
    ("GET", "/organisations/{a}/edit", None, {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 200,
                                              "moderator": 403}),
    ("POST", "/organisations/{a}/edit", profile(name="Hijacked"),
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    ("GET", "/organisations/{a}/members", None, {"anonymous": LOGIN, "outsider": 403, "member": 200, "owner": 200,
                                                 "moderator": 200}),
    ("GET", "/organisations/{p}/members", None, {"anonymous": LOGIN, "outsider": 404, "member": 404,
                                                 "owner": 200, "moderator": 200}),
    ("POST", "/organisations/{a}/invitations", {"email": "new@example.org", "role": "owner"},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    ("GET", "/organisations/{a}/invitations/{inv}/cancel", None,
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 200, "moderator": 403}),
    ("POST", "/organisations/{a}/invitations/{inv}/cancel", {},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    ("POST", "/organisations/{a}/members/{mm}", {"m{mm}-role": "owner", "m{mm}-may_sign": "y"},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    ("GET", "/organisations/{a}/members/{mm}/remove", None,
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 200, "moderator": 403}),
    ("POST", "/organisations/{a}/members/{mm}/remove", {},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    ("POST", "/organisations/{a}/requests/{mm}", {"decision": "refuse"},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 302, "moderator": 403}),
    # Not a member, or the last owner: back to the profile with the refusal the button would give.
    ("GET", "/organisations/{a}/leave", None, {"anonymous": LOGIN, "outsider": 302, "member": 200, "owner": 302,
                                               "moderator": 302}),
    ("GET", "/organisations/queue", None, {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 403,
                                           "moderator": 200}),
    ("POST", "/organisations/{p}/approve", {}, {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 403,
                                                "moderator": 302}),
    ("GET", "/organisations/{p}/refuse", None, {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 403,
                                                "moderator": 200}),
    ("POST", "/organisations/{p}/refuse", {"reason": "Not from this territory."},
     {"anonymous": LOGIN, "outsider": 403, "member": 403, "owner": 403, "moderator": 302}),
    ("POST", "/organisations/{p}/resubmit", {},
     {"anonymous": LOGIN, "outsider": 404, "member": 404, "owner": 302, "moderator": 403}),
]


def snapshot(in_territory):
    """Everything a refused request must leave as it was."""
    with in_territory("alpha"):
        organisations = db.session.execute(sa.select(m.Organisation.slug, m.Organisation.name,
                                                     m.Organisation.status).order_by(m.Organisation.id)).all()
        members = db.session.execute(sa.select(m.Membership.user_id, m.Membership.role, m.Membership.may_sign,
                                               m.Membership.status).order_by(m.Membership.id)).all()
        invitations = db.session.execute(sa.select(m.Invitation.email, m.Invitation.role)
                                         .order_by(m.Invitation.id)).all()
        return organisations, members, invitations


@pytest.fixture
def world(make_user, make_organisation, in_territory, territory_client, client_for):
    people = {
        "outsider": make_user(tenant="alpha", locale="en"),
        "member": make_user(tenant="alpha", locale="en"),
        "owner": make_user(tenant="alpha", locale="en"),
        "moderator": make_user(tenant="alpha", role="moderator", locale="en"),
    }
    _id, approved = make_organisation(people["owner"], members=[(people["member"], "member", False)])
    pending_id, pending = make_organisation(people["owner"], status="pending")
    with in_territory("alpha"):
        membership_id = db.session.scalar(sa.select(m.Membership.id).where(
            m.Membership.user_id == people["member"].id))
        invitation = m.Invitation(organisation_id=_id, email="invitee@example.org")
        db.session.add(invitation)
        db.session.commit()
        values = {"a": approved, "p": pending, "mm": membership_id, "inv": invitation.id}
    def client(role):
        return territory_client("alpha") if role == "anonymous" else client_for(people[role])

    return values, client


def _fill(template, values):
    if isinstance(template, dict):
        return {key.format(**values): _fill(value, values) for key, value in template.items()}
    if isinstance(template, str):
        return template.format(**values)
    return template


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,form,expected", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_route_by_role(world, in_territory, role, method, path, form, expected):
    values, client_of = world
    client = client_of(role)
    url = path.format(**values)
    before = snapshot(in_territory)
    response = client.get(url) if method == "GET" else client.submit(url, _fill(form, values))
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    else:
        assert response.status_code == wanted
    if method == "GET" or wanted != 302:  # a page never changes anything, nor does a refusal
        assert snapshot(in_territory) == before
