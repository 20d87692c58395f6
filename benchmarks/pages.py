"""The pages the benchmark measures, and how to find the ones whose address depends on the data."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

#: The organisation and the mission measured: demo data, present at every data size.
ORGANISATION_SLUG = "la-fabrique-des-pentes"
SEARCH_TERM = "jardin"
#: Words of the demo's and the generator's texts, and others that match nothing: a search for
#: two of them is another query at every request of a run (64 × 63 of them), as real visitors'
#: searches are, so that the search page is measured rendering, not served from the page cache.
SEARCH_WORDS = (
    "jardin", "réparation", "vélo", "atelier", "cuisine", "entraide", "musique", "théâtre", "lecture",
    "numérique", "solidarité", "accueil", "quartier", "enfants", "sport", "climat", "alimentation",
    "logement", "santé", "emploi", "culture", "danse", "photo", "couture", "informatique", "bricolage",
    "compost", "marché", "famille", "aînés", "savoirs", "permanence", "association", "collectif",
    "bénévoles", "formation", "énergie", "mobilité", "recyclage", "partage", "potager", "lyon", "pentes",
    "croix", "rousse", "fabrique", "mécanique", "logiciels", "libres", "écoute", "jeunesse", "insertion",
    "handicap", "migrants", "biodiversité", "eau", "déchets", "repas", "livres", "cinéma", "radio",
    "chorale", "échecs", "randonnée",
)


def search_paths(limit: int | None = None) -> tuple[str, ...]:
    """``/search?q=<one word> <another>`` for every ordered pair of distinct words."""
    from urllib.parse import quote

    pairs = [f"{a} {b}" for a in SEARCH_WORDS for b in SEARCH_WORDS if a != b]
    return tuple(f"/search?q={quote(query)}" for query in pairs[:limit])


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    #: Requested with the dashboard person's session cookie.
    signed_in: bool = False
    #: Under load, each request takes the next of these paths (``path`` is the one counted in-process).
    paths: tuple[str, ...] = ()
    #: Request headers of this page's runs, e.g. the ``Accept-Encoding`` of a harvester.
    headers: tuple[tuple[str, str], ...] = ()
    #: False: another run of a page already counted in-process (same path, other headers).
    counted: bool = True


#: What Python's requests (the library of most open-data harvesters) sends by default.
HARVESTER = (("Accept-Encoding", "gzip, deflate"),)


def measured_pages(mission_id: int) -> list[Page]:
    """Every page, ``/healthz`` first (the floor each page is compared with)."""
    return [
        Page("healthz", "/healthz"),
        Page("home", "/"),
        Page("directory", "/organisations/"),
        Page("missions", "/missions/"),
        Page("search", f"/search?q={SEARCH_TERM}", paths=search_paths()),
        Page("organisation", f"/organisations/{ORGANISATION_SLUG}"),
        Page("mission", f"/missions/{mission_id}"),
        Page("activity", "/activity"),
        Page("open-data", "/open-data"),
        Page("legal notice", "/legal/notice"),
        Page("privacy policy", "/legal/privacy"),
        Page("organisations.jsonld", "/organisations/open-data/organisations.jsonld", headers=HARVESTER),
        Page("organisations.csv", "/organisations/open-data/organisations.csv", headers=HARVESTER),
        Page("missions.csv", "/missions/open-data/missions.csv", headers=HARVESTER),
        Page("missions.json", "/missions/open-data/missions.json", headers=HARVESTER),
        Page("missions.csv plain", "/missions/open-data/missions.csv", counted=False),
        Page("missions.json plain", "/missions/open-data/missions.json", counted=False),
        Page("dashboard", "/dashboard", signed_in=True),
    ]


def measured_mission_id(app, slug: str) -> int:
    """The first mission of the measured organisation (a demo mission, the same in every copy)."""
    from ptcc.organisations.models import Organisation
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context
    from ptcc_volunteering.models import Mission

    with tenant_context(slug, app=app):
        mission_id = db.session.scalar(
            sa.select(sa.func.min(Mission.id)).join(Organisation, Organisation.id == Mission.organisation_id)
            .where(Organisation.slug == ORGANISATION_SLUG))
    if mission_id is None:
        raise RuntimeError(f"{slug}: {ORGANISATION_SLUG} has no mission (was the demo built?)")
    return mission_id
