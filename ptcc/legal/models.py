"""What a territory publishes about itself: who publishes, and its four legal pages."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class PageKind(str, enum.Enum):
    """The four pages a French public body's site must publish."""

    NOTICE = "notice"  # mentions légales
    PRIVACY = "privacy"  # politique de confidentialité
    TERMS = "terms"  # conditions d'utilisation
    ACCESSIBILITY = "accessibility"  # déclaration d'accessibilité (RGAA)


class Compliance(str, enum.Enum):
    """The RGAA compliance states an accessibility statement must declare."""

    NONE = "none"  # non conforme
    PARTIAL = "partial"  # partiellement conforme
    FULL = "full"  # totalement conforme


class LegalDetails(db.Model):
    """The facts the default texts are written from; at most one row, id 1.

    Empty values make the defaults say "not given yet" rather than invent anything.
    """

    __tablename__ = "legal_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The body that publishes the site (a commune, an EPCI, an association…).
    publisher: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Its postal address (several lines).
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Directeur ou directrice de la publication.
    publication_director: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: How to reach the data protection officer (an address, a postal address…).
    dpo_contact: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The host: name, address, telephone (several lines).
    host: Mapped[str] = mapped_column(sa.String(500), default="")
    accessibility_state: Mapped[Compliance] = mapped_column(
        sa.Enum(Compliance, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Compliance.NONE,
    )
    #: When the accessibility audit was made; None: no audit yet.
    accessibility_audit_date: Mapped[date | None] = mapped_column(sa.Date())
    #: Markdown: the content that is not accessible, and why.
    accessibility_exceptions: Mapped[str] = mapped_column(sa.Text, default="")
    #: Where to report an accessibility problem; empty: the contact e-mail.
    accessibility_contact: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Markdown: the multi-year accessibility plan (schéma pluriannuel) or a link to it.
    accessibility_plan: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LegalPage(db.Model):
    """A page its administrators wrote themselves; without a row the default text is shown."""

    __tablename__ = "legal_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PageKind] = mapped_column(
        sa.Enum(PageKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        unique=True,
    )
    #: Markdown, rendered through ptcc.web.markdown.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
