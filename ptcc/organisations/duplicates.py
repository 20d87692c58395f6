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
from dataclasses import dataclass, replace
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
    return _words_alike(name_words(first), name_words(second))


def _words_alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
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


class Candidates:
    """The organisations a registration may duplicate, read in one query and indexed by
    normalised commune and by identifier, so that a whole queue is checked at once."""

    def __init__(self, public_only: bool = False):
        statuses = [OrganisationStatus.APPROVED] if public_only else [
            status for status in OrganisationStatus if status != OrganisationStatus.MERGED]
        self.by_commune: dict[str, list[tuple[Duplicate, tuple[str, ...]]]] = {}
        self.by_rna: dict[str, list[Duplicate]] = {}
        self.by_siren: dict[str, list[Duplicate]] = {}
        rows = db.session.execute(
            sa.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.commune,
                      Organisation.status, Organisation.rna, Organisation.siren)
            .where(Organisation.status.in_(statuses)).order_by(Organisation.id))
        for row in rows:
            found = Duplicate(row.id, row.slug, row.name, row.commune, row.status, "")
            self.by_commune.setdefault(normalise(row.commune), []).append((found, name_words(row.name)))
            if row.rna:
                self.by_rna.setdefault(row.rna, []).append(found)
            if row.siren:
                self.by_siren.setdefault(row.siren, []).append(found)

    def of(self, *, name: str, commune: str, rna: str = "", siren: str = "", exclude_id: int | None = None,
           limit: int = 5) -> list[Duplicate]:
        """Likely duplicates of an organisation named ``name`` in ``commune``, identifiers first."""
        rna, siren = (rna or "").strip().upper(), (siren or "").strip()
        found: dict[int, Duplicate] = {}
        for reason, matches in (("rna", self.by_rna.get(rna, []) if rna else []),
                                ("siren", self.by_siren.get(siren, []) if siren else [])):
            for match in matches:
                found.setdefault(match.id, replace(match, reason=reason))
        commune_key = normalise(commune)
        words = name_words(name)
        if commune_key and words:
            for match, their_words in self.by_commune.get(commune_key, []):
                if match.id not in found and _words_alike(words, their_words):
                    found[match.id] = replace(match, reason="name")
        found.pop(exclude_id, None)
        ordered = sorted(found.values(), key=lambda d: (d.reason == "name", d.name.casefold(), d.id))
        return ordered[:limit]


def likely_duplicates(*, name: str, commune: str, rna: str = "", siren: str = "", exclude_id: int | None = None,
                      public_only: bool = False, limit: int = 5) -> list[Duplicate]:
    """Organisations that may be the same as one named ``name`` in ``commune`` with these
    identifiers, identifiers first. Merged tombstones are never proposed; ``public_only``
    keeps approved organisations only (what a person who is not a moderator may be shown)."""
    return Candidates(public_only).of(name=name, commune=commune, rna=rna, siren=siren, exclude_id=exclude_id,
                                      limit=limit)


def duplicates_of(organisation: Organisation, candidates: Candidates | None = None, **kwargs) -> list[Duplicate]:
    return (candidates or Candidates()).of(name=organisation.name, commune=organisation.commune,
                                           rna=organisation.rna, siren=organisation.siren,
                                           exclude_id=organisation.id, **kwargs)
