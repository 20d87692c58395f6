from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class ActivityEntry(db.Model):
    """One line of the territory's activity stream.

    The link is stored as an endpoint and its URL values, not as a URL, so that it
    is built per request (host name or ``/t/<slug>/`` prefix, current language).
    """

    __tablename__ = "activity_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: An ``ActivityType.name`` declared by ``plugin``.
    kind: Mapped[str] = mapped_column(sa.String(80), index=True)
    plugin: Mapped[str] = mapped_column(sa.String(40))
    #: What happened to, e.g. the mission's title (plain text, shown escaped).
    subject: Mapped[str] = mapped_column(sa.String(300))
    endpoint: Mapped[str] = mapped_column(sa.String(120), default="")
    url_values: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The actor's name when the entry was written (kept if the account goes).
    actor_label: Mapped[str] = mapped_column(sa.String(120), default="")
    #: The name of the organisation that acted, when one did (shown to everybody).
    organisation_label: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The organisation the entry is about, if any: the feed shows it only while that
    #: organisation is approved (hidden while suspended), and a merge moves it.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Left out of the feed while the moderators hide what it links to (``hide_entries_about``).
    hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
