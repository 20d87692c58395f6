"""Reading the official list: the files of the npm package ``@etalab/decoupage-administratif``.

``data/communes.json`` lists every commune of the code officiel géographique with its
``type``: only ``commune-actuelle`` entries are communes today (``commune-deleguee`` and
``commune-associee`` are former communes merged into another one, ``arrondissement-municipal``
the districts of Paris, Lyon and Marseille). Each has ``code`` (INSEE), ``nom``,
``codesPostaux``, ``departement``, ``region``. ``data/epci.json`` lists each EPCI by
``code`` (its SIREN) with its ``membres`` (``code`` INSEE of each commune).

A territory declares its communes in its ``tenant.toml``::

    [communes]
    epci = ["200046977"]          # SIREN of EPCI: Métropole de Lyon
    departements = ["35"]         # whole départements

The union of both lists is the territory's communes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ptcc.search.text import words

CURRENT = "commune-actuelle"
EPCI_RE = re.compile(r"^\d{9}$")
DEPARTEMENT_RE = re.compile(r"^(\d{2}|2A|2B|97\d)$")


class SourceError(ValueError):
    """The source files are missing, unreadable or not in the expected format."""


@dataclass(frozen=True)
class Areas:
    """What a territory declares: EPCI SIRENs and département codes."""

    epci: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.epci or self.departements)

    def describe(self) -> str:
        parts = [f"EPCI {code}" for code in self.epci] + [f"département {code}" for code in self.departements]
        return ", ".join(parts) or "nothing"


def parse_areas(data, where: str = "tenant.toml") -> Areas:
    """The ``[communes]`` table of a tenant.toml (``None`` or empty: nothing declared)."""
    if not data:
        return Areas()
    if not isinstance(data, dict):
        raise ValueError(f"{where}: [communes] must be a table with epci and/or departements")
    unknown = sorted(set(data) - {"epci", "departements"})
    if unknown:
        raise ValueError(f"{where}: unknown key(s) in [communes]: {', '.join(unknown)}")
    epci = tuple(str(code).strip() for code in data.get("epci", []))
    departements = tuple(str(code).strip().upper() for code in data.get("departements", []))
    for code in epci:
        if not EPCI_RE.match(code):
            raise ValueError(f"{where}: EPCI {code!r} is not a SIREN (9 digits)")
    for code in departements:
        if not DEPARTEMENT_RE.match(code):
            raise ValueError(f"{where}: département {code!r} is not a département code (01…95, 2A, 2B, 971…)")
    return Areas(epci=epci, departements=departements)


def fold(name: str) -> str:
    """``"Saint-Genis-Laval"``, ``"saint genis laval"`` and ``"SAINT-GÉNIS-LAVAL"`` fold alike."""
    return " ".join(words(name))


@dataclass(frozen=True)
class CommuneRecord:
    code: str
    name: str
    postal_codes: tuple[str, ...]
    departement: str
    epci: str = ""


def _load(path: Path):
    if not path.is_file():
        raise SourceError(f"{path}: no such file. Install the official communes with `make install` "
                          "(npm package @etalab/decoupage-administratif) or give --source DIRECTORY.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{path}: not readable as JSON ({exc})") from exc


def read_communes(folder: Path | str, areas: Areas) -> list[CommuneRecord]:
    """The current communes of ``areas`` found in ``folder`` (``communes.json``, ``epci.json``), by code.

    An EPCI or a département that the files do not know is an error: a typo must not import
    an empty territory silently.
    """
    folder = Path(folder)
    communes = _load(folder / "communes.json")
    if not isinstance(communes, list):
        raise SourceError(f"{folder / 'communes.json'}: expected a list of communes")
    epci_of: dict[str, str] = {}
    if areas.epci:
        groups = _load(folder / "epci.json")
        if not isinstance(groups, list):
            raise SourceError(f"{folder / 'epci.json'}: expected a list of EPCI")
        known = {str(group.get("code")): group for group in groups if isinstance(group, dict)}
        missing = [code for code in areas.epci if code not in known]
        if missing:
            raise SourceError(f"unknown EPCI in the official list: {', '.join(missing)}")
        for code in areas.epci:
            for member in known[code].get("membres") or []:
                epci_of[str(member.get("code"))] = code
    departements = set(areas.departements)
    found: dict[str, CommuneRecord] = {}
    seen_departements: set[str] = set()
    for entry in communes:
        if not isinstance(entry, dict) or entry.get("type") != CURRENT:
            continue
        code, departement = str(entry.get("code", "")), str(entry.get("departement", ""))
        seen_departements.add(departement)
        if code not in epci_of and departement not in departements:
            continue
        name = str(entry.get("nom", "")).strip()
        if not code or not name:
            raise SourceError(f"communes.json: an entry without code or name ({entry!r:.80})")
        found[code] = CommuneRecord(code=code, name=name[:120], departement=departement[:3],
                                    postal_codes=tuple(str(p) for p in entry.get("codesPostaux") or ()),
                                    epci=epci_of.get(code, ""))
    missing = sorted(departements - seen_departements)
    if missing:
        raise SourceError(f"unknown département in the official list: {', '.join(missing)}")
    return sorted(found.values(), key=lambda record: record.code)
