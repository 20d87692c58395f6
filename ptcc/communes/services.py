"""The territory's communes: import from the official list, link organisations, search.

Import and linking run in the CLI (``ptcc communes import``) and the demo builder; they flush
and never commit (the command does). The search serves the form's autocomplete.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ptcc.caching import cached_per_territory
from ptcc.communes.models import Commune
from ptcc.communes.source import Areas, CommuneRecord, fold, parse_areas, read_communes
from ptcc.extensions import db
from ptcc.search.text import words
from ptcc.tenancy import current_tenant

#: Results of one search at most (the autocomplete shows them all).
MAX_RESULTS = 20
#: Longer queries are cut: no commune name is longer.
MAX_QUERY = 80


def declared_areas(tenant=None) -> Areas:
    """What the territory's tenant.toml declares (``[communes]``)."""
    tenant = tenant or current_tenant._get_current_object()
    return parse_areas(getattr(tenant, "communes", None) or {}, f"{tenant.slug}/tenant.toml")


def default_source() -> Path:
    """PTCC_COMMUNES_SOURCE: the package's ``data`` folder, relative to the project when not absolute."""
    configured = Path(current_app.config["PTCC_COMMUNES_SOURCE"])
    if configured.is_absolute():
        return configured
    return Path(current_app.root_path).parent / configured


# --- import --------------------------------------------------------------------------


@dataclass
class UnmatchedOrganisation:
    slug: str
    name: str
    commune: str
    #: Closest names among the territory's communes, best first.
    suggestions: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    added: int = 0
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # (code, old, new)
    updated: int = 0
    unchanged: int = 0
    #: Communes no longer in the declared areas, removed (not used by any organisation).
    removed: int = 0
    #: Communes no longer in the declared areas but still used by organisations: kept.
    kept: list[str] = field(default_factory=list)
    linked: int = 0
    unmatched: list[UnmatchedOrganisation] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + len(self.renamed) + self.updated + self.unchanged


def import_communes(records: list[CommuneRecord]) -> ImportReport:
    """Bring the territory's ``communes`` table to ``records``: add, update (a renamed commune
    keeps its code and its organisations, whose displayed commune follows), remove the ones
    that left unless an organisation uses them. Then link the organisations' free-text communes.
    Running it twice changes nothing the second time."""
    from ptcc.organisations.models import Organisation

    report = ImportReport()
    existing = {commune.code: commune for commune in db.session.scalars(sa.select(Commune))}
    for record in records:
        values = {"name": record.name, "folded_name": fold(record.name)[:120],
                  "postal_codes": list(record.postal_codes), "departement": record.departement,
                  "epci": record.epci}
        commune = existing.pop(record.code, None)
        if commune is None:
            db.session.add(Commune(code=record.code, **values))
            report.added += 1
            continue
        changed = {key: value for key, value in values.items() if getattr(commune, key) != value}
        if not changed:
            report.unchanged += 1
            continue
        if "name" in changed:
            report.renamed.append((record.code, commune.name, record.name))
            db.session.execute(sa.update(Organisation).where(Organisation.commune_code == record.code)
                               .values(commune=record.name))
        else:
            report.updated += 1
        for key, value in changed.items():
            setattr(commune, key, value)
    if existing:
        used = set(db.session.scalars(sa.select(Organisation.commune_code).distinct()
                                      .where(Organisation.commune_code.in_(list(existing)))))
        for code, commune in sorted(existing.items()):
            if code in used:
                report.kept.append(f"{commune.name} ({code})")
            else:
                db.session.delete(commune)
                report.removed += 1
    db.session.flush()
    report.linked, report.unmatched = link_organisations()
    return report


def import_from_source(source: Path | str | None = None, tenant=None) -> ImportReport:
    """``import_communes`` of what the tenant.toml declares, read from ``source`` (or the default)."""
    areas = declared_areas(tenant)
    return import_communes(read_communes(source or default_source(), areas))


def _matches():
    """(organisation, its commune) for each free-text commune that names exactly one of the
    territory's communes, and the organisations whose commune does not."""
    from ptcc.organisations.models import Organisation

    by_name: dict[str, list[Commune]] = {}
    for commune in db.session.scalars(sa.select(Commune)):
        by_name.setdefault(commune.folded_name, []).append(commune)
    matched, unmatched = [], []
    for organisation in db.session.scalars(sa.select(Organisation).where(Organisation.commune_code.is_(None))
                                           .order_by(Organisation.slug)):
        found = by_name.get(fold(organisation.commune), [])
        if len(found) == 1:
            matched.append((organisation, found[0]))
            continue
        if len(found) > 1:
            suggestions = [f"{c.name} ({c.code})" for c in sorted(found, key=lambda c: c.code)]
        else:
            close = difflib.get_close_matches(fold(organisation.commune), list(by_name), n=3, cutoff=0.6)
            suggestions = [f"{c.name} ({c.code})" for name in close for c in by_name[name]]
        unmatched.append(UnmatchedOrganisation(organisation.slug, organisation.name, organisation.commune,
                                               suggestions))
    return matched, unmatched


def link_organisations() -> tuple[int, list[UnmatchedOrganisation]]:
    """Give each organisation whose commune is free text the commune of the same name
    (case, accents and punctuation aside) among the territory's communes; its displayed
    name becomes the official one ("SAINT GENIS LAVAL" → "Saint-Genis-Laval").

    A name that matches no commune, or several (two communes of one département may share a
    name), stays as it is and is returned, with the closest names, for a moderator to fix.
    """
    matched, unmatched = _matches()
    for organisation, commune in matched:
        organisation.commune_code, organisation.commune = commune.code, commune.name
    db.session.flush()
    return len(matched), unmatched


def unmatched_organisations() -> list[UnmatchedOrganisation]:
    """Organisations whose commune is still free text and names none of the territory's communes."""
    return _matches()[1]


# --- what the forms and the autocomplete use ---------------------------------------------


@dataclass(frozen=True)
class CommuneChoice:
    code: str
    name: str
    postal_codes: tuple[str, ...]
    folded: str

    @property
    def label(self) -> str:
        """``"Lyon (69001, 69002…)"``: the name alone is ambiguous in a département's list."""
        codes = self.postal_codes
        if not codes:
            return self.name
        shown = ", ".join(codes[:2]) + ("…" if len(codes) > 2 else "")
        return f"{self.name} ({shown})"

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "postal_codes": list(self.postal_codes), "label": self.label}


@cached_per_territory("communes.choices")
def _choice_rows() -> list[tuple]:
    rows = db.session.execute(sa.select(Commune.code, Commune.name, Commune.postal_codes, Commune.folded_name)
                              .order_by(Commune.folded_name, Commune.code)).all()
    return [(code, name, tuple(postal_codes or ()), folded) for code, name, postal_codes, folded in rows]


def choices() -> list[CommuneChoice]:
    """The territory's communes by name (cached per data version)."""
    return [CommuneChoice(*row) for row in _choice_rows()]


def has_communes() -> bool:
    return bool(_choice_rows())


def get(code: str | None) -> CommuneChoice | None:
    code = (code or "").strip()
    return next((choice for choice in choices() if choice.code == code), None) if code else None


def search(query: str | None, limit: int = MAX_RESULTS) -> list[CommuneChoice]:
    """Communes whose name contains every word of ``query`` (case and accents aside; names
    starting with the first word first), or whose postal code starts with it (or whose INSEE
    code it is)."""
    query = (query or "")[:MAX_QUERY]
    terms = words(query)
    if not terms:
        return []
    limit = max(1, min(int(limit), MAX_RESULTS))
    digits = "".join(query.split())
    starting, containing = [], []
    for choice in choices():
        if digits.isdigit() or (len(digits) == 5 and digits[:2].upper() in ("2A", "2B")):
            if any(code.startswith(digits) for code in choice.postal_codes) or choice.code == digits.upper():
                starting.append(choice)
            continue
        name_words = choice.folded.split()
        if all(any(word.startswith(term) for word in name_words) or term in choice.folded for term in terms):
            (starting if choice.folded.startswith(terms[0]) else containing).append(choice)
        if len(starting) >= limit:
            break
    return (starting + containing)[:limit]


def assign_commune(organisation_slug: str, code: str):
    """The operator's fix for an unmatched commune (``ptcc communes assign``); audited."""
    from flask_babel import gettext as _

    from ptcc.audit.services import record
    from ptcc.errors import NotFound, ServiceError
    from ptcc.organisations.models import Organisation

    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == organisation_slug))
    if organisation is None:
        raise NotFound(_("This organisation does not exist here."))
    commune = db.session.get(Commune, (code or "").strip().upper())
    if commune is None:
        raise ServiceError(_("Choose a commune of the territory from the list."), field="commune")
    old = organisation.commune
    organisation.commune_code, organisation.commune = commune.code, commune.name
    db.session.flush()
    record(None, "organisation.commune_assigned", organisation, name=organisation.name,
           changes={"commune": {"old": old, "new": f"{commune.name} ({commune.code})"}})
    return organisation
