"""Isolation cases of the organisations module.

Both territories hold organisations with the same slugs, memberships and an
invitation; names, descriptions and communes carry the territory's marker.
"""

from ptcc.accounts.tokens import make_token
from ptcc.extensions import db
from ptcc.organisations import models as m
from ptcc.organisations.memberships import INVITE_PURPOSE
from tests.isolation.framework import Case

ORDER = 20


def seed(ctx) -> dict:
    users = ctx.users
    with ctx.territory():
        topic = m.Topic(name=f"Topic {ctx.marker}", slug="shared-topic")
        approved = m.Organisation(
            slug="shared-org", name=f"Organisation {ctx.marker}", kind=m.OrganisationKind.ASSOCIATION,
            description=f"About {ctx.marker}", commune=f"Commune {ctx.marker}", declared_members=12,
            status=m.OrganisationStatus.APPROVED, created_by_id=users["owner"].id, topics=[topic])
        pending = m.Organisation(
            slug="pending-org", name=f"Pending {ctx.marker}", kind=m.OrganisationKind.FEDERATION,
            description=f"Waiting {ctx.marker}", commune="Lyon", status=m.OrganisationStatus.PENDING,
            created_by_id=users["owner"].id)
        refused = m.Organisation(
            slug="refused-org", name=f"Refused {ctx.marker}", kind=m.OrganisationKind.OTHER,
            commune="Lyon", status=m.OrganisationStatus.REFUSED, refusal_reason=f"Because {ctx.marker}",
            created_by_id=users["owner"].id)
        # Moderation: one to suspend, one suspended (to reinstate), a duplicate of shared-org to merge.
        to_suspend = m.Organisation(
            slug="suspend-org", name=f"To suspend {ctx.marker}", kind=m.OrganisationKind.OTHER, commune="Lyon",
            status=m.OrganisationStatus.APPROVED, created_by_id=users["owner"].id)
        suspended = m.Organisation(
            slug="suspended-org", name=f"Suspended {ctx.marker}", kind=m.OrganisationKind.OTHER, commune="Lyon",
            status=m.OrganisationStatus.SUSPENDED, suspension_reason=f"Because {ctx.marker}",
            created_by_id=users["owner"].id)
        duplicate = m.Organisation(
            slug="dup-org", name=f"Organisation {ctx.marker}", kind=m.OrganisationKind.ASSOCIATION,
            commune=f"Commune {ctx.marker}", status=m.OrganisationStatus.APPROVED, created_by_id=users["owner"].id,
            topics=[topic])
        db.session.add_all([approved, pending, refused, to_suspend, suspended, duplicate])
        db.session.flush()
        for organisation in (approved, pending, refused, to_suspend, suspended, duplicate):
            db.session.add(m.Membership(organisation=organisation, user_id=users["owner"].id,
                                        role=m.MembershipRole.OWNER, may_sign=True))
        member = m.Membership(organisation=approved, user_id=users["member"].id, role=m.MembershipRole.MEMBER)
        request = m.Membership(organisation=approved, user_id=users["moderator"].id,
                               status=m.MembershipStatus.PENDING)
        invitation = m.Invitation(organisation=approved, email=f"invitee-{ctx.slug}@example.org",
                                  invited_by_id=users["owner"].id)
        db.session.add_all([member, request, invitation])
        db.session.commit()
        return {
            "member_membership_id": member.id,
            "request_membership_id": request.id,
            "invitation_id": invitation.id,
            "invite_token": make_token(INVITE_PURPOSE, {"id": invitation.id, "email": invitation.email}),
        }


def _shared(v: dict) -> dict:
    return {"slug": "shared-org"}


def _member(v: dict) -> dict:
    return {"slug": "shared-org", "membership_id": v["member_membership_id"]}


def _profile_form(v: dict) -> dict:
    return {"name": "Alpha organisation", "kind": "association", "circle": "first", "commune": "Lyon",
            "description": "Made by the isolation suite", "topics": ["shared-topic"]}


CASES = {
    "organisations.directory": Case(),
    "organisations.new": Case(form=_profile_form),
    "organisations.mine": Case(),
    "organisations.queue": Case(),
    "organisations.open_data_csv": Case(),
    "organisations.open_data_json": Case(),
    "organisations.open_data_json_ld": Case(),
    "organisations.invitation": Case(values=lambda v: {"token": v["invite_token"]}),
    "organisations.show": Case(values=_shared),
    "organisations.edit": Case(values=_shared, form=_profile_form),
    "organisations.approve": Case(values=lambda v: {"slug": "pending-org"}),
    "organisations.refuse": Case(values=lambda v: {"slug": "pending-org"},
                                 form={"reason": "Refused by the isolation suite"}),
    "organisations.resubmit": Case(values=lambda v: {"slug": "refused-org"}),
    "organisations.suspend": Case(values=lambda v: {"slug": "suspend-org"},
                                  form={"reason": "Suspended by the isolation suite"}),
    "organisations.reinstate": Case(values=lambda v: {"slug": "suspended-org"}),
    "organisations.merge": Case(values=lambda v: {"slug": "dup-org"}, form={"into": "shared-org"}),
    "organisations.join": Case(values=_shared),
    "organisations.leave": Case(values=_shared),
    "organisations.members": Case(values=_shared),
    "organisations.change_member": Case(
        values=_member, form=lambda v: {f"m{v['member_membership_id']}-role": "owner",
                                        f"m{v['member_membership_id']}-may_sign": "y"}),
    "organisations.remove_member": Case(values=_member),
    "organisations.answer_request": Case(
        values=lambda v: {"slug": "shared-org", "membership_id": v["request_membership_id"]},
        form={"decision": "accept"}),
    "organisations.invite": Case(values=_shared, form={"email": "someone@example.org", "role": "owner"}),
    "organisations.cancel_invitation": Case(
        values=lambda v: {"slug": "shared-org", "invitation_id": v["invitation_id"]}),
}
