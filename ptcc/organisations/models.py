"""Organisations of a territory, their topics, members and invitations.

Each territory's database has its own tables: an organisation slug is unique
within its territory only.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


def _enum_column(enum_class, length: int = 30) -> sa.Enum:
    """Enumerations are stored as their values in a plain string column (no native type)."""
    return sa.Enum(enum_class, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])


class OrganisationKind(str, enum.Enum):
    ASSOCIATION = "association"
    THIRD_PLACE = "third_place"  # tiers-lieu
    FEDERATION = "federation"
    LOCAL_AUTHORITY = "local_authority"
    ESS_ENTERPRISE = "ess_enterprise"
    CITIZEN_COLLECTIVE = "citizen_collective"
    CITIZEN_MEDIA = "citizen_media"
    RESEARCH_CENTRE = "research_centre"
    OTHER = "other"


class Circle(str, enum.Enum):
    """The PTCC description's two circles of actors."""

    #: Field actors: associations, ESS enterprises, citizen media and collectives…
    FIRST = "first"
    #: Partners: local authorities, research centres, federations…
    SECOND = "second"


#: The circle an organisation of each kind usually belongs to (a suggestion; the owner chooses).
USUAL_CIRCLE = {
    OrganisationKind.LOCAL_AUTHORITY: Circle.SECOND,
    OrganisationKind.RESEARCH_CENTRE: Circle.SECOND,
    OrganisationKind.FEDERATION: Circle.SECOND,
}


def usual_circle(kind: OrganisationKind) -> Circle:
    return USUAL_CIRCLE.get(OrganisationKind(kind), Circle.FIRST)


class OrganisationStatus(str, enum.Enum):
    """Where the organisation's request to join the territory stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    #: Hidden by the moderators (``suspension_reason``); reinstating makes it approved again.
    #: Everything public lists approved organisations only, so a suspended one is out of the
    #: directory, the search index, the open data and the plugins' lists without a filter of its own.
    SUSPENDED = "suspended"
    #: Merged into another organisation (``merged_into_id``): a tombstone whose addresses redirect.
    MERGED = "merged"


class MembershipRole(str, enum.Enum):
    OWNER = "owner"
    MEMBER = "member"


class MembershipStatus(str, enum.Enum):
    #: The person asked to join; an owner has not answered yet.
    PENDING = "pending"
    ACTIVE = "active"


organisation_topics = sa.Table(
    "organisation_topics",
    db.Model.metadata,
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Topic(db.Model):
    """A field of action shared by organisations (mobility, food, free software…)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: Used in directory filter URLs.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Part of the organisation's address; unique within the territory.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    kind: Mapped[OrganisationKind] = mapped_column(_enum_column(OrganisationKind), index=True)
    circle: Mapped[Circle] = mapped_column(_enum_column(Circle, 10), default=Circle.FIRST)
    #: Markdown, rendered sanitised.
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: The commune's name as shown: the official name once ``commune_code`` is set (kept in step
    #: by ``ptcc communes import``), else the free text typed before the territory had its list.
    commune: Mapped[str] = mapped_column(sa.String(120), default="", index=True)
    #: Code INSEE of the commune among the territory's (``communes.code``, ``ptcc.communes``);
    #: None while the free-text ``commune`` matches none of them. Not a foreign key: SQLite adds
    #: one only by rebuilding the table, whose DROP would cascade to memberships and missions;
    #: ``ptcc communes import`` never removes a commune in use. Deferred: the search index's
    #: migration loads organisations (and plugins' rows joined to them) before this column exists.
    commune_code: Mapped[str | None] = mapped_column(sa.String(5), index=True, deferred=True)
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Number of members the organisation says it has (not checked; shown as declared).
    declared_members: Mapped[int | None] = mapped_column(sa.Integer)
    #: Répertoire national des associations: "W" and nine digits, or empty.
    rna: Mapped[str] = mapped_column(sa.String(10), default="")
    #: Nine digits with a Luhn check, or empty.
    siren: Mapped[str] = mapped_column(sa.String(9), default="")
    #: Fourteen digits (SIREN + establishment number) with a Luhn check, or empty.
    siret: Mapped[str] = mapped_column(sa.String(14), default="")

    status: Mapped[OrganisationStatus] = mapped_column(
        _enum_column(OrganisationStatus, 20), default=OrganisationStatus.PENDING, index=True)
    #: Why the moderators refused the request; told to the requester.
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The moderator who approved or refused the latest request.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who asked for the organisation to join; kept for the moderators, cleared if the account goes.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    #: Set when a moderator hides the organisation after a report (``ptcc.organisations.visibility``):
    #: only moderators and its members see it then.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the moderators hid it; told to its owners.
    #: (A server default only: rows written behind the ORM at an older revision need not name it.)
    hidden_reason: Mapped[str] = mapped_column(sa.Text, server_default="")
    #: Why the moderators suspended the organisation; told to its owners, shown to its members.
    suspension_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: When the latest suspension started; cleared on reinstatement (who did it: the audit log).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The organisation this one was merged into (status MERGED): its pages redirect there.
    #: No ON DELETE: an organisation that tombstones lead to is not deleted (nor is any, today).
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    topics: Mapped[list[Topic]] = relationship(secondary=organisation_topics, order_by=Topic.name)
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True)
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", passive_deletes=True)
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    merged_into = relationship("Organisation", remote_side=[id], foreign_keys=[merged_into_id])

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_public(self) -> bool:
        """Seen by everyone: approved and not hidden by the moderators."""
        return self.is_approved and not self.is_hidden

    @property
    def is_suspended(self) -> bool:
        return self.status == OrganisationStatus.SUSPENDED

    @property
    def is_merged(self) -> bool:
        return self.status == OrganisationStatus.MERGED

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Membership(db.Model):
    """A person's place in an organisation, or their request to join it."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(_enum_column(MembershipRole, 20), default=MembershipRole.MEMBER)
    #: May sign on behalf of the organisation (charters, agreements of the agora).
    may_sign: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MembershipStatus] = mapped_column(
        _enum_column(MembershipStatus, 20), default=MembershipStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user = relationship("User")

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_owner(self) -> bool:
        return self.is_active and self.role == MembershipRole.OWNER

    def __repr__(self) -> str:
        return f"<Membership {self.organisation_id}:{self.user_id} {self.role.value}/{self.status.value}>"


class Invitation(db.Model):
    """An e-mailed invitation to join an organisation; the link carries a signed token naming it."""

    __tablename__ = "invitations"
    __table_args__ = (
        # One open invitation per organisation and address: the service refreshes it rather
        # than adding another, and this index refuses the one a race would add (answered 409).
        sa.Index("uq_invitations_open_organisation_id_email", "organisation_id", "email", unique=True,
                 sqlite_where=sa.text("accepted_at IS NULL"), postgresql_where=sa.text("accepted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    #: Stored lower-cased; only the account with this address may accept.
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[MembershipRole] = mapped_column(_enum_column(MembershipRole, 20), default=MembershipRole.MEMBER)
    may_sign: Mapped[bool] = mapped_column(default=False)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Refreshed when the invitation is sent again; the link's age counts from its token.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Set once: an accepted invitation's link no longer works.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="invitations")
    invited_by = relationship("User")

    def __repr__(self) -> str:
        return f"<Invitation {self.organisation_id} {self.email}>"
