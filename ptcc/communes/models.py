"""The territory's communes, imported from the official list (``ptcc communes import``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ptcc.extensions import db


class Commune(db.Model):
    """A current commune of the code officiel géographique, within the territory's declared areas."""

    __tablename__ = "communes"

    #: Code INSEE (code officiel géographique), five characters: "69123", "2A004".
    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: The name folded (case, accents, punctuation): what free-text communes and searches match.
    folded_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    #: Postal codes, in the order of the source ("69001", "69002"…).
    postal_codes: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Code of the département ("69", "2A", "971").
    departement: Mapped[str] = mapped_column(sa.String(3), default="")
    #: SIREN of the declared EPCI that brought the commune in; empty for a declared département.
    epci: Mapped[str] = mapped_column(sa.String(9), default="")

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name}>"
