from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class SampleNote(db.Model):
    __tablename__ = "sample_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def search_notes(query: str, limit: int) -> list[tuple[SampleNote, float]]:
    notes = db.session.scalars(sa.select(SampleNote).where(SampleNote.title.ilike(f"%{query}%"))
                               .order_by(SampleNote.id).limit(limit)).all()
    return [(note, 1.0 / (1 + len(note.title))) for note in notes]
