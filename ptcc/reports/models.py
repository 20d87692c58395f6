"""Reports: a signed-in person tells the moderators that a piece of content is a problem.

A report names its content by type (``"organisations.organisation"``, a plugin's
``"volunteering.mission"``: see ``ptcc_reportable_types``) and id, and keeps the
content's title as it was, so that the queue still reads once the content is gone.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


def _enum_column(enum_class, length: int = 20) -> sa.Enum:
    return sa.Enum(enum_class, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])


class ReportReason(str, enum.Enum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    ILLEGAL = "illegal"
    PERSONAL_DATA = "personal_data"
    MISLEADING = "misleading"
    OTHER = "other"


class ReportStatus(str, enum.Enum):
    #: Waiting for a moderator.
    OPEN = "open"
    #: A moderator hid the content.
    HIDDEN = "hidden"
    #: A moderator found nothing to act on.
    DISMISSED = "dismissed"


class Report(db.Model):
    __tablename__ = "content_reports"
    __table_args__ = (
        # One open report per person and content: the service refuses a second politely, this
        # index refuses the one a race would add (answered 409).
        sa.Index("uq_content_reports_open_reporter_content", "reporter_id", "content_type", "object_id",
                 unique=True, sqlite_where=sa.text("status = 'open'"),
                 postgresql_where=sa.text("status = 'open'")),
        sa.Index("ix_content_reports_content", "content_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A type declared by ``ptcc_reportable_types``.
    content_type: Mapped[str] = mapped_column(sa.String(80))
    object_id: Mapped[int] = mapped_column(sa.Integer)
    #: The content's title when it was reported.
    object_title: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Who reported; cleared if their account is deleted (the report stays for the moderators).
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[ReportReason] = mapped_column(_enum_column(ReportReason, 30))
    #: The reporter's own words.
    details: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReportStatus] = mapped_column(_enum_column(ReportStatus), default=ReportStatus.OPEN,
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: The moderator who hid the content or dismissed the report; cleared if the account goes.
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The moderator's reason, told to the reporter (and to the content's owners when hidden).
    decision: Mapped[str] = mapped_column(sa.Text, default="")

    reporter = relationship("User", foreign_keys=[reporter_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == ReportStatus.OPEN

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.content_type}:{self.object_id} {self.status.value}>"
