"""Who belongs to an organisation: join requests, roles, invitations by e-mail.

Rules kept here: an organisation always keeps at least one active owner; an
invitation is accepted only by the account holding the invited address (the
link may be forwarded, but the invitation is meant for one person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ptcc.accounts.models import Role, User
from ptcc.accounts.permissions import has_role, require_signed_in, require_verified
from ptcc.accounts.tokens import BadToken, make_token, read_token
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations.labels import role_label
from ptcc.organisations.models import Invitation, Membership, MembershipRole, MembershipStatus, Organisation
from ptcc.organisations.services import is_active_member, is_owner, membership_of, owners, require_owner, tell
from ptcc.web.urls import external_url

INVITE_PURPOSE = "organisation-invite"
#: The same invitation sent again within this time is the same click (no second e-mail);
#: later, it is a reminder and goes out again.
REPEAT_WINDOW = timedelta(minutes=2)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidInvitation(ServiceError):
    """The invitation link is forged, expired, cancelled, or already used."""


class LastOwner(ServiceError):
    """The change would leave the organisation without an active owner."""


@dataclass
class MembersOverview:
    active: list = field(default_factory=list)
    #: Join requests (owners only).
    requests: list = field(default_factory=list)
    #: Invitations not accepted yet (owners only).
    invitations: list = field(default_factory=list)
    can_manage: bool = False


def members_overview(actor, organisation: Organisation) -> MembersOverview:
    """The members page: its members and moderators read it, owners also see requests and invitations."""
    require_signed_in(actor)
    manage = is_owner(actor, organisation)
    if not (manage or is_active_member(actor, organisation) or has_role(actor, Role.MODERATOR)):
        raise PermissionDenied(_("Only the members of %(name)s see this page.", name=organisation.name))
    memberships = db.session.scalars(
        sa.select(Membership).join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        # "owner" sorts after "member": descending puts the owners first.
        .order_by(Membership.role.desc(), sa.func.lower(User.display_name), Membership.id)).all()
    overview = MembersOverview(active=[m for m in memberships if m.is_active], can_manage=manage)
    if manage:
        overview.requests = [m for m in memberships if not m.is_active]
        overview.invitations = list(db.session.scalars(
            sa.select(Invitation).where(Invitation.organisation_id == organisation.id,
                                        Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())))
    return overview


def get_membership(organisation: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        raise NotFound(_("This person is not a member of this organisation."))
    return membership


def _active_owner_ids(organisation: Organisation, lock: bool = True) -> list[int]:
    query = sa.select(Membership.id).where(Membership.organisation_id == organisation.id,
                                           Membership.role == MembershipRole.OWNER,
                                           Membership.status == MembershipStatus.ACTIVE)
    # Locked so that two owners stepping down at once cannot leave the organisation without one.
    return list(db.session.scalars(query.with_for_update(key_share=True) if lock else query))


def _refuse_if_last_owner(membership: Membership, message: str, lock: bool = True) -> None:
    """``lock=False``: only to tell in advance (a confirmation page); the change itself locks."""
    if membership.is_owner and _active_owner_ids(membership.organisation, lock) == [membership.id]:
        raise LastOwner(message, field="role")


# --- join requests -------------------------------------------------------------------


def request_membership(actor, organisation: Organisation) -> Membership:
    """Ask to join an approved organisation; its owners are told and answer."""
    require_verified(actor)
    if not organisation.is_approved:
        raise ServiceError(_("%(name)s is not yet a member of the territory: wait for its approval.",
                             name=organisation.name))
    existing = membership_of(actor, organisation)
    if existing is not None:
        if existing.is_active:
            raise ServiceError(_("You are already a member of %(name)s.", name=organisation.name))
        raise ServiceError(_("You already asked to join %(name)s; its owners will answer.", name=organisation.name))
    membership = Membership(organisation=organisation, user_id=actor.id, role=MembershipRole.MEMBER,
                            may_sign=False, status=MembershipStatus.PENDING)
    db.session.add(membership)
    db.session.flush()
    tell(owners(organisation), "join_request", organisation=organisation, requester=actor,
         url=external_url("organisations.members", slug=organisation.slug))
    return membership


def answer_request(actor, membership: Membership, accept: bool) -> None:
    organisation = membership.organisation
    require_owner(actor, organisation)
    if membership.is_active:
        raise ServiceError(_("%(name)s is already a member.", name=membership.user.display_name))
    requester = membership.user
    details = {"name": organisation.name, "person": f"{requester.display_name} <{requester.email}>"}
    url = external_url("organisations.show", slug=organisation.slug)
    if accept:
        membership.status = MembershipStatus.ACTIVE
        db.session.flush()
        record(actor, "membership.accepted", membership, **details)
        tell([requester], "join_request_accepted", organisation=organisation, url=url)
    else:
        db.session.delete(membership)
        db.session.flush()
        record(actor, "membership.refused", organisation, **details)
        tell([requester], "join_request_refused", organisation=organisation, url=url)


# --- roles ---------------------------------------------------------------------------


def change_membership(actor, membership: Membership, role, may_sign: bool) -> bool:
    """Give a member another role or signing right; returns whether anything changed."""
    organisation = membership.organisation
    require_owner(actor, organisation)
    if not membership.is_active:
        raise ServiceError(_("Answer this person's request first."))
    try:
        role = MembershipRole(role)
    except ValueError:
        raise ServiceError(_("Choose a role from the list."), field="role") from None
    may_sign = bool(may_sign)
    if role == membership.role and may_sign == membership.may_sign:
        return False
    if role != MembershipRole.OWNER:
        _refuse_if_last_owner(membership, _(
            "%(name)s is the last owner of the organisation: make another member owner first.",
            name=membership.user.display_name))
    old = {"role": membership.role.value, "may_sign": membership.may_sign}
    membership.role, membership.may_sign = role, may_sign
    db.session.flush()
    person = membership.user
    record(actor, "membership.changed", membership, name=organisation.name,
           person=f"{person.display_name} <{person.email}>",
           changes={"role": {"old": old["role"], "new": role.value},
                    "may_sign": {"old": old["may_sign"], "new": may_sign}})
    return True


def check_remove_member(actor, membership: Membership, lock: bool = False) -> None:
    """What ``remove_member`` checks, without changing or locking anything (its confirmation page)."""
    require_owner(actor, membership.organisation)
    _refuse_if_last_owner(membership, _(
        "%(name)s is the last owner of the organisation and cannot be removed.",
        name=membership.user.display_name), lock)


def remove_member(actor, membership: Membership) -> None:
    organisation = membership.organisation
    check_remove_member(actor, membership, lock=True)
    person = membership.user
    db.session.delete(membership)
    db.session.flush()
    record(actor, "membership.removed", organisation, name=organisation.name,
           person=f"{person.display_name} <{person.email}>")


def check_leave(actor, organisation: Organisation, lock: bool = False) -> Membership:
    """The membership (or join request) ``leave`` would end, or the refusal it would give;
    changes and locks nothing (the confirmation page)."""
    require_signed_in(actor)
    membership = membership_of(actor, organisation)
    if membership is None:
        raise ServiceError(_("You are not a member of %(name)s.", name=organisation.name))
    _refuse_if_last_owner(membership, _(
        "You are the last owner of %(name)s: make another member owner before leaving.", name=organisation.name),
        lock)
    return membership


def leave(actor, organisation: Organisation) -> None:
    """Leave an organisation, or withdraw one's join request."""
    membership = check_leave(actor, organisation, lock=True)
    db.session.delete(membership)
    db.session.flush()


# --- invitations ---------------------------------------------------------------------


def invitation_link(invitation: Invitation) -> str:
    token = make_token(INVITE_PURPOSE, {"id": invitation.id, "email": invitation.email})
    return external_url("organisations.invitation", token=token)


def invite(actor, organisation: Organisation, email: str, role=MembershipRole.MEMBER,
           may_sign: bool = False) -> Invitation:
    """E-mail an invitation link; inviting the same address again refreshes the invitation.

    The very same invitation sent again within ``REPEAT_WINDOW`` (two clicks, a form
    sent twice) changes nothing and sends no second e-mail.
    """
    require_owner(actor, organisation)
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise ServiceError(_("Give a valid e-mail address, for instance name@example.org."), field="email")
    try:
        role = MembershipRole(role)
    except ValueError:
        raise ServiceError(_("Choose a role from the list."), field="role") from None
    # Invitations to one organisation take turns (PostgreSQL; on SQLite the request already
    # holds the write lock), so that the same form sent twice at once finds the first one.
    db.session.execute(sa.select(Organisation.id).where(Organisation.id == organisation.id)
                       .with_for_update(key_share=True))
    invitee = db.session.scalar(sa.select(User).where(User.email == email))
    if invitee is not None and is_active_member(invitee, organisation):
        raise ServiceError(_("%(email)s is already a member of %(name)s.", email=email, name=organisation.name),
                           field="email")
    invitation = db.session.scalar(sa.select(Invitation).where(
        Invitation.organisation_id == organisation.id, Invitation.email == email,
        Invitation.accepted_at.is_(None)).execution_options(populate_existing=True))
    if invitation is not None and _is_repeat(invitation, role, bool(may_sign)):
        # A double click or a resubmitted form: the e-mail is on its way already.
        return invitation
    if invitation is None:
        invitation = Invitation(organisation=organisation, email=email)
        db.session.add(invitation)
    invitation.role, invitation.may_sign = role, bool(may_sign)
    invitation.invited_by_id, invitation.created_at = actor.id, utcnow()
    db.session.flush()
    record(actor, "invitation.sent", organisation, name=organisation.name, email=email, role=role.value,
           may_sign=bool(may_sign))
    recipient = invitee or _Recipient(email)
    tell([recipient], "invitation", organisation=organisation, inviter=actor, invitation=invitation,
         role_label=role_label,
         url=invitation_link(invitation),
         days=current_app.config["PTCC_INVITE_MAX_AGE"] // 86400)
    return invitation


def _is_repeat(invitation: Invitation, role: MembershipRole, may_sign: bool) -> bool:
    """Whether this open invitation is the same one, sent moments ago."""
    return (invitation.role == role and invitation.may_sign == may_sign
            and utcnow() - invitation.created_at < REPEAT_WINDOW)


@dataclass
class _Recipient:
    """Someone without an account here yet: written to in the territory's language."""

    email: str
    display_name: str = ""
    locale: str = ""


def get_invitation(organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id or invitation.accepted_at:
        raise NotFound(_("This invitation does not exist."))
    return invitation


def check_cancel_invitation(actor, invitation: Invitation) -> None:
    """What ``cancel_invitation`` checks (its confirmation page)."""
    require_owner(actor, invitation.organisation)


def cancel_invitation(actor, invitation: Invitation) -> None:
    organisation = invitation.organisation
    check_cancel_invitation(actor, invitation)
    email = invitation.email
    db.session.delete(invitation)
    db.session.flush()
    record(actor, "invitation.cancelled", organisation, name=organisation.name, email=email)


def read_invitation(token: str) -> Invitation:
    """The open invitation a link names; InvalidInvitation for anything else."""
    refused = InvalidInvitation(_(
        "This invitation link does not work: it may have expired, been used already or been cancelled. "
        "Ask the organisation's owners to invite you again."))
    try:
        data = read_token(INVITE_PURPOSE, token, max_age=current_app.config["PTCC_INVITE_MAX_AGE"])
        invitation_id, email = int(data["id"]), str(data["email"])
    except (BadToken, KeyError, TypeError, ValueError):
        raise refused from None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != email or invitation.accepted_at is not None:
        raise refused
    return invitation


def accept_invitation(actor, invitation: Invitation) -> Membership:
    """Join with the invited role; only the account with the invited address may accept."""
    require_signed_in(actor)
    if actor.email.lower() != invitation.email:
        raise PermissionDenied(_(
            "This invitation was sent to %(email)s, but you are signed in as %(current)s. Sign in with the "
            "invited address to accept it.", email=invitation.email, current=actor.email))
    organisation = invitation.organisation
    membership = membership_of(actor, organisation)
    if membership is None:
        membership = Membership(organisation=organisation, user_id=actor.id)
        db.session.add(membership)
    if not membership.is_active:
        membership.role = invitation.role
        membership.may_sign = invitation.may_sign
    else:
        # An invitation never takes anything away from someone who already belongs.
        if invitation.role == MembershipRole.OWNER:
            membership.role = MembershipRole.OWNER
        membership.may_sign = membership.may_sign or invitation.may_sign
    membership.status = MembershipStatus.ACTIVE
    invitation.accepted_at = utcnow()
    db.session.flush()
    record(actor, "invitation.accepted", membership, name=organisation.name, email=invitation.email,
           role=membership.role.value)
    return membership
