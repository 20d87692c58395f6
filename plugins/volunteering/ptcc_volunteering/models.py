"""Volunteer missions and the answers people give them.

Every table carries the ``volunteering_`` prefix (the plugin loader checks it).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


def _enum_column(enum_class, length: int = 20) -> sa.Enum:
    """Stored as the member's value in a plain string column (no native enum type)."""
    return sa.Enum(enum_class, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])


class MissionStatus(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class ResponseStatus(str, enum.Enum):
    #: The person said "Je participe"; the organisation has not answered yet.
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: The person took their answer back.
    WITHDRAWN = "withdrawn"


#: Answers that hold a place or wait for a decision (a person may not answer twice).
LIVE_RESPONSES = (ResponseStatus.PENDING, ResponseStatus.ACCEPTED)


class Mission(db.Model):
    """A call for volunteers posted by an organisation of the territory."""

    __tablename__ = "volunteering_missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    #: Markdown, rendered sanitised.
    description: Mapped[str] = mapped_column(sa.Text, default="")
    commune: Mapped[str] = mapped_column(sa.String(120), index=True)
    #: First and last day (inclusive); both empty for a recurring mission.
    starts_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    #: Free text for recurring availability, e.g. "every Saturday morning".
    availability: Mapped[str] = mapped_column(sa.String(200), default="")
    volunteers_needed: Mapped[int] = mapped_column(sa.Integer, default=1)
    #: How to reach the organisation about this mission (shown to signed-in people only).
    contact: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[MissionStatus] = mapped_column(_enum_column(MissionStatus), default=MissionStatus.OPEN,
                                                  index=True)
    #: The member who posted it; cleared if the account is deleted.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when a moderator hides the mission after a report: only moderators and the
    #: organisation's members see it then.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the moderators hid it; told to the organisation's owners.
    hidden_reason: Mapped[str] = mapped_column(sa.Text, server_default="")

    organisation = relationship("Organisation", lazy="joined")
    created_by = relationship("User")
    skills: Mapped[list["MissionSkill"]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MissionSkill.label")
    responses: Mapped[list["Response"]] = relationship(
        back_populates="mission", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Response.created_at")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_open(self) -> bool:
        return self.status == MissionStatus.OPEN

    @property
    def accepted_count(self) -> int:
        return sum(1 for r in self.responses if r.status == ResponseStatus.ACCEPTED)

    @property
    def places_left(self) -> int:
        return max(self.volunteers_needed - self.accepted_count, 0)

    @property
    def is_full(self) -> bool:
        return self.places_left == 0

    @property
    def skill_labels(self) -> list[str]:
        return [skill.label for skill in self.skills]

    def __repr__(self) -> str:
        return f"<Mission {self.id} {self.title!r}>"


class MissionSkill(db.Model):
    """One skill a mission asks for; a row each so that the list can be filtered by skill."""

    __tablename__ = "volunteering_mission_skills"
    __table_args__ = (sa.UniqueConstraint("mission_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteering_missions.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(sa.String(60))
    #: Lower-case ASCII form of the label, used in filter URLs.
    slug: Mapped[str] = mapped_column(sa.String(60), index=True)

    mission: Mapped[Mission] = relationship(back_populates="skills")


class Response(db.Model):
    """A person's "Je participe" to a mission, and the organisation's decision."""

    __tablename__ = "volunteering_responses"
    __table_args__ = (sa.UniqueConstraint("mission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteering_missions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Optional words of the volunteer to the organisation.
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ResponseStatus] = mapped_column(_enum_column(ResponseStatus), default=ResponseStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the organisation accepted or declined, or the volunteer withdrew.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The member who accepted or declined; cleared if the account is deleted.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    mission: Mapped[Mission] = relationship(back_populates="responses")
    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_RESPONSES

    def __repr__(self) -> str:
        return f"<Response {self.mission_id}:{self.user_id} {self.status.value}>"


MODELS = [Mission, MissionSkill, Response]
