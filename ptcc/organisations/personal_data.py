"""A person's organisation data: what the export shows, what deleting the account erases."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations.models import Invitation, Membership, MembershipRole, MembershipStatus, Organisation


def export(user) -> dict:
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)).all()
    created = db.session.scalars(
        sa.select(Organisation).where(Organisation.created_by_id == user.id).order_by(Organisation.id)).all()
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.email == user.email.lower()).order_by(Invitation.id)).all()
    return {
        "memberships": [{
            "organisation": m.organisation.name,
            "slug": m.organisation.slug,
            "role": m.role.value,
            "may_sign": m.may_sign,
            "status": m.status.value,
            "since": m.created_at.isoformat(),
        } for m in memberships],
        "organisations_requested": [{
            "organisation": o.name, "slug": o.slug, "status": o.status.value, "requested_at": o.created_at.isoformat(),
        } for o in created],
        "invitations_received": [{
            "organisation": i.organisation.name, "role": i.role.value, "may_sign": i.may_sign,
            "sent_at": i.created_at.isoformat(), "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
        } for i in invitations],
    }


def _other_active_members(organisation: Organisation, user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id != user_id,
        Membership.status == MembershipStatus.ACTIVE))


def _other_owners(organisation: Organisation, user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id != user_id,
        Membership.role == MembershipRole.OWNER, Membership.status == MembershipStatus.ACTIVE))


def erase(user) -> None:
    """Remove the person's memberships before their account goes.

    Refused while they are the only owner of an approved organisation, or of one that has other
    members: someone must take it over first. A request that only they were part of (pending
    or refused, no other member) goes with the account.
    """
    owned = db.session.scalars(
        sa.select(Organisation).join(Membership)
        .where(Membership.user_id == user.id, Membership.role == MembershipRole.OWNER,
               Membership.status == MembershipStatus.ACTIVE)
        .order_by(Organisation.name)).all()
    orphans, blocking = [], []
    for organisation in owned:
        if _other_owners(organisation, user.id):
            continue
        if organisation.is_approved or _other_active_members(organisation, user.id):
            blocking.append(organisation.name)
        else:
            orphans.append(organisation)
    if blocking:
        raise ServiceError(_(
            "You are the only owner of %(names)s. Make another member owner, on the organisation's members "
            "page, before deleting your account.", names=", ".join(blocking)))
    for organisation in orphans:
        db.session.delete(organisation)
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    # The foreign keys would clear these too; doing it here keeps the session's objects in step.
    db.session.execute(sa.update(Organisation).where(Organisation.created_by_id == user.id)
                       .values(created_by_id=None))
    db.session.execute(sa.update(Organisation).where(Organisation.decided_by_id == user.id)
                       .values(decided_by_id=None))
    db.session.execute(sa.update(Invitation).where(Invitation.invited_by_id == user.id)
                       .values(invited_by_id=None))
    db.session.flush()
