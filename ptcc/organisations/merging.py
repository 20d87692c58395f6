"""Merging a duplicate organisation into the one that is kept.

Everything attached to the merged organisation moves to the kept one: memberships (a
person in both keeps the stronger of their two places), invitations, topics, activity
entries, audit entries, what plugins attach (``ptcc_organisations_merged``), and any
other row whose foreign key names it (found in the metadata, so that a table added later
is moved too). The merged organisation stays as a tombstone (status MERGED,
``merged_into_id``): its slug stays taken and its pages redirect to the kept one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.audit.models import AuditEntry
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    organisation_topics,
)
from ptcc.organisations.services import owners, tell
from ptcc.plugins.manager import plugin_manager
from ptcc.web.urls import external_url

#: Tables the merge moves itself, row by row (the others are moved by plugins or by the sweep).
HANDLED_TABLES = frozenset({"memberships", "invitations", "organisation_topics"})


def organisation_references() -> list[sa.Column]:
    """Every column of the metadata holding a foreign key to ``organisations.id``, in the
    tables this territory's database has (a plugin never migrated here has none)."""
    existing = set(sa.inspect(db.session.connection()).get_table_names())
    columns = []
    for table in db.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Organisation.__tablename__ and fk.column.name == "id":
                columns.append(fk.parent)
    return columns


def _count(column: sa.Column, organisation_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(column.table)
                             .where(column == organisation_id)) or 0


@dataclass
class MergePreview:
    """What a merge of ``merged`` into ``kept`` will move, for the confirmation page."""

    kept: Organisation
    merged: Organisation
    memberships: int = 0
    #: Of those, people already in the kept organisation (one place each is kept).
    shared_members: int = 0
    invitations: int = 0
    #: Topics of the merged organisation that the kept one does not have yet.
    new_topics: int = 0
    audit_entries: int = 0
    #: Other rows naming the merged organisation: (table, column) -> count, counts above 0 only.
    other: dict[str, int] = field(default_factory=dict)

    @property
    def other_total(self) -> int:
        return sum(self.other.values())


def _check(kept: Organisation, merged: Organisation) -> None:
    if kept.id == merged.id:
        raise ServiceError(_("Choose another organisation: one cannot be merged into itself."), field="into")
    if kept.is_merged or merged.is_merged:
        raise ServiceError(_("This organisation was already merged into another one."), field="into")


def preview(actor, kept: Organisation, merged: Organisation) -> MergePreview:
    require_role(actor, Role.MODERATOR)
    _check(kept, merged)
    kept_users = sa.select(Membership.user_id).where(Membership.organisation_id == kept.id)
    found = MergePreview(kept=kept, merged=merged)
    found.memberships = _count(Membership.__table__.c.organisation_id, merged.id)
    found.shared_members = db.session.scalar(
        sa.select(sa.func.count()).select_from(Membership)
        .where(Membership.organisation_id == merged.id, Membership.user_id.in_(kept_users))) or 0
    found.invitations = _count(Invitation.__table__.c.organisation_id, merged.id)
    kept_topics = {topic.id for topic in kept.topics}
    found.new_topics = sum(1 for topic in merged.topics if topic.id not in kept_topics)
    found.audit_entries = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(*_audit_of(merged))) or 0
    for column in organisation_references():
        if column.table.name in HANDLED_TABLES:
            continue
        n = _count(column, merged.id)
        if n:
            found.other[f"{column.table.name}.{column.name}"] = n
    return found


def _audit_of(organisation: Organisation) -> tuple[sa.ColumnElement[bool], ...]:
    """The audit entries about ``organisation`` (they name it by type and id, not by a key)."""
    return (AuditEntry.target_type == "organisation", AuditEntry.target_id == str(organisation.id))


def _strength(membership: Membership) -> tuple[bool, bool]:
    """Active before pending, owner before member."""
    return (membership.is_active, membership.role == MembershipRole.OWNER)


def _move_memberships(kept: Organisation, merged: Organisation) -> None:
    theirs = {m.user_id: m for m in db.session.scalars(
        sa.select(Membership).where(Membership.organisation_id == kept.id))}
    moving = list(db.session.scalars(sa.select(Membership).where(Membership.organisation_id == merged.id)))
    for membership in moving:
        other = theirs.get(membership.user_id)
        if other is None:
            continue
        if _strength(membership) > _strength(other):
            other.role, other.status = membership.role, membership.status
        other.may_sign = bool(other.may_sign or (membership.is_active and membership.may_sign))
        db.session.delete(membership)
    db.session.flush()  # the deleted places first: (organisation, person) is unique
    for membership in moving:
        if membership.user_id not in theirs:
            membership.organisation = kept


def _move_invitations(kept: Organisation, merged: Organisation) -> None:
    open_emails = set(db.session.scalars(sa.select(Invitation.email).where(
        Invitation.organisation_id == kept.id, Invitation.accepted_at.is_(None))))
    moving = list(db.session.scalars(sa.select(Invitation).where(Invitation.organisation_id == merged.id)))
    staying = []
    for invitation in moving:
        if invitation.accepted_at is None and invitation.email in open_emails:
            db.session.delete(invitation)  # the kept organisation's own invitation stands
        else:
            staying.append(invitation)
    db.session.flush()
    for invitation in staying:
        invitation.organisation = kept


def _move_topics(kept: Organisation, merged: Organisation) -> None:
    for topic in merged.topics:
        if topic not in kept.topics:
            kept.topics.append(topic)
    merged.topics = []


def merge(actor, kept: Organisation, merged: Organisation) -> MergePreview:
    """Move everything of ``merged`` to ``kept`` and leave ``merged`` as a redirecting tombstone.

    Returns what was moved (counted before). The owners of the merged organisation are told.
    """
    moved = preview(actor, kept, merged)
    told = owners(merged)
    _move_memberships(kept, merged)
    _move_invitations(kept, merged)
    _move_topics(kept, merged)
    db.session.flush()
    db.session.execute(sa.update(AuditEntry).where(*_audit_of(merged))
                       .values(target_id=str(kept.id)))
    # Plugins move what they attach, with their own rules (and through the ORM, so that the
    # search index follows).
    plugin_manager().hook("ptcc_organisations_merged")(kept=kept, merged=merged)
    db.session.flush()
    # Whatever still names the merged organisation (a table without a hook, the tombstones
    # of earlier merges into it) now names the kept one.
    for column in organisation_references():
        if column.table.name in HANDLED_TABLES:
            continue
        db.session.execute(sa.update(column.table).where(column == merged.id).values({column.name: kept.id}))
    merged.status = OrganisationStatus.MERGED
    merged.merged_into_id, merged.merged_at = kept.id, utcnow()
    db.session.flush()
    db.session.expire_all()  # rows moved by statements: read them again
    record(actor, "organisation.merged", kept, name=kept.name, merged_name=merged.name,
           merged_id=merged.id, merged_slug=merged.slug, memberships=moved.memberships,
           invitations=moved.invitations, topics_added=moved.new_topics, other_records=moved.other_total)
    tell(told, "organisation_merged", organisation=merged, kept=kept,
         url=external_url("organisations.show", slug=kept.slug))
    return moved
