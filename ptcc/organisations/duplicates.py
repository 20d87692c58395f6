"""Likely duplicates of an organisation: a similar name in the same commune, or the same RNA or SIREN.

Shown to the person who registers an organisation (who may still go on: two different
associations may have close names) and to the moderators in their queue.

Names are compared once normalised: accents and case dropped, punctuation and the small
words that change nothing ("les", "du", "association"…) removed, the remaining words
sorted. Two names are alike when their word sets are equal or when ``difflib``'s ratio of
the sorted words reaches ``SIMILARITY``. ``difflib`` is the standard library: names are
short and a territory counts organisations in thousands, so a faster library
(rapidfuzz) would add a compiled dependency for nothing measurable here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations.models import Organisation, OrganisationStatus

#: Ratio from which two normalised names are taken for the same (0 to 1).
SIMILARITY = 0.85
#: Words that do not tell organisations apart (French and English articles, linking words,
#: and the legal forms people add or leave out).
STOP_WORDS = frozenset("""
    l la le les un une des de du d au aux et en a the of and for
    association asso assoc collectif club comite amicale
""".split())


def normalise(text: str) -> str:
    """Lower-case ASCII words of ``text`` separated by single spaces ("Vélo-École" -> "velo ecole")."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text.casefold()))


def name_words(name: str) -> tuple[str, ...]:
    """The words that tell a name apart, sorted ("Les Amis du Vélo" -> ("amis", "velo"))."""
    words = [word for word in normalise(name).split() if word not in STOP_WORDS]
    return tuple(sorted(words or normalise(name).split()))


def names_alike(first: str, second: str) -> bool:
    a, b = name_words(first), name_words(second)
    if not a or not b:
        return False
    if set(a) == set(b):
        return True
    return SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= SIMILARITY


@dataclass(frozen=True)
class Duplicate:
    """An organisation that may be the same as the one looked at, and why (plain data)."""

    id: int
    slug: str
    name: str
    commune: str
    status: OrganisationStatus
    #: "name", "rna" or "siren".
    reason: str


def likely_duplicates(*, name: str, commune: str, rna: str = "", siren: str = "", exclude_id: int | None = None,
                      public_only: bool = False, limit: int = 5) -> list[Duplicate]:
    """Organisations that may be the same as one named ``name`` in ``commune`` with these
    identifiers, identifiers first. Merged tombstones are never proposed; ``public_only``
    keeps approved organisations only (what a person who is not a moderator may be shown)."""
    statuses = [OrganisationStatus.APPROVED] if public_only else [
        status for status in OrganisationStatus if status != OrganisationStatus.MERGED]
    commune_key = normalise(commune)
    rna, siren = (rna or "").strip().upper(), (siren or "").strip()
    conditions = []
    if rna:
        conditions.append(Organisation.rna == rna)
    if siren:
        conditions.append(Organisation.siren == siren)
    if commune_key:
        # Communes differ in case and accents at most: compare the candidates' in Python.
        conditions.append(Organisation.commune != "")
    if not conditions:
        return []
    query = (sa.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.commune,
                       Organisation.status, Organisation.rna, Organisation.siren)
             .where(Organisation.status.in_(statuses), sa.or_(*conditions))
             .order_by(Organisation.id))
    if exclude_id is not None:
        query = query.where(Organisation.id != exclude_id)
    found: list[Duplicate] = []
    for row in db.session.execute(query):
        if rna and row.rna == rna:
            reason = "rna"
        elif siren and row.siren == siren:
            reason = "siren"
        elif commune_key and normalise(row.commune) == commune_key and names_alike(name, row.name):
            reason = "name"
        else:
            continue
        found.append(Duplicate(row.id, row.slug, row.name, row.commune, row.status, reason))
    found.sort(key=lambda d: (d.reason == "name", d.name.casefold()))
    return found[:limit]


def duplicates_of(organisation: Organisation, **kwargs) -> list[Duplicate]:
    return likely_duplicates(name=organisation.name, commune=organisation.commune, rna=organisation.rna,
                             siren=organisation.siren, exclude_id=organisation.id, **kwargs)
