from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class OutboxMessage(db.Model):
    """Something to send after the transaction that decided it has committed."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "email", or a kind composed at delivery (``ptcc.outbox.services.queue_deferred``); relays
    #: to other territories will use their own kinds.
    kind: Mapped[str] = mapped_column(sa.String(30), default="email")
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Not before this time: set by the back-off after a failed attempt.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
