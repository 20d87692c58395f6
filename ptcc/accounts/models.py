"""People of a territory. Each territory's database has its own table of people."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db



def hash_password(password: str) -> str:
    """The only hashing scheme: scrypt, salted (werkzeug's format keeps the parameters)."""
    return generate_password_hash(password, method="scrypt")


class Role(str, enum.Enum):
    """Territory-wide role; organisation roles live on memberships."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"member": 0, "moderator": 1, "admin": 2}[self.value]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; unique within the territory only.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.MEMBER,
    )
    #: Preferred language; empty means "follow the territory and the browser".
    locale: Mapped[str] = mapped_column(sa.String(10), default="")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Bumped on password change or logout-everywhere: older session cookies stop working.
    auth_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the person accepted the terms of use at sign-up (None: before they were asked).
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Which terms: the date of their last change (``ptcc.legal.services.terms_version``).
    terms_version: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Set by an administrator: the account can no longer sign in; what it published stays.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_deactivated(self) -> bool:
        return self.deactivated_at is not None

    @property
    def is_active(self) -> bool:
        # Flask-Login's notion: ``login_user`` refuses an inactive account.
        return self.deactivated_at is None

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    def get_id(self) -> str:
        # The territory is part of the id: a cookie of one territory names nobody in another.
        from ptcc.tenancy import current_tenant

        return f"{current_tenant.slug}:{self.id}:{self.auth_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
