from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.db import UTCDateTime, utcnow
from ptcc.extensions import db


class TerritorySettings(db.Model):
    """What a territory's administrators changed; anything left empty follows tenant.toml.

    There is at most one row, id 1.
    """

    __tablename__ = "territory_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Markdown shown on the territory's home page.
    presentation: Mapped[str] = mapped_column(sa.Text, default="")
    #: Offered languages; an empty list follows tenant.toml.
    locales: Mapped[list] = mapped_column(sa.JSON, default=list)
    default_locale: Mapped[str] = mapped_column(sa.String(10), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="")
    primary_color: Mapped[str] = mapped_column(sa.String(7), default="")
    accent_color: Mapped[str] = mapped_column(sa.String(7), default="")
    #: File name of the logo under the territory's upload folder.
    logo_filename: Mapped[str] = mapped_column(sa.String(120), default="")
    #: File name of the home page's banner image under the upload folder ("" for none).
    banner_filename: Mapped[str] = mapped_column(sa.String(120), default="")
    #: Enabled plugins; None follows tenant.toml.
    plugins: Mapped[list | None] = mapped_column(sa.JSON, default=None)
    #: Plugin name -> {setting: value}, over each plugin's ptcc_default_settings.
    plugin_settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DataVersion(db.Model):
    """A number that every transaction changing the territory's data increases.

    Caches of derived data (``ptcc.caching``) are keyed by it, so that every worker
    process and host sees a change at its next request, without a message between them.
    There is one row, id 1.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
