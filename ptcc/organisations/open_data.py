"""The directory as an open dataset: CSV, JSON and schema.org JSON-LD.

Approved organisations only, and only what their public profile shows: no member, no
person's name or e-mail, no refusal reason. Served through ``ptcc.web.datasets`` (a file
per data version, its gzip copy, ETags), listed on ``/open-data`` by ``ptcc_open_data_datasets``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations.models import Organisation, OrganisationKind, OrganisationStatus, Topic, organisation_topics
from ptcc.web.csv_export import CHUNK_ROWS, csv_chunks
from ptcc.web.urls import external_url

LICENCE = "Licence Ouverte / Open Licence 2.0"
#: Columns of the CSV dataset, in order (also the keys of the JSON records).
PUBLIC_FIELDS = ["slug", "name", "kind", "circle", "commune", "commune_insee", "postal_codes", "topics",
                 "description", "website", "declared_members", "rna", "siren", "siret", "member_since", "url"]


def _as_utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    # Rows read without the ORM type skip UTCDateTime's conversion: SQLite gives naive UTC.
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return moment.isoformat(timespec="seconds")


def records() -> Iterator[dict]:
    """The public record of each approved organisation, by name: plain columns, one query for
    the organisations and one for their topics."""
    from ptcc.communes.models import Commune

    approved = Organisation.status == OrganisationStatus.APPROVED
    topics: dict[int, list[str]] = {}
    for organisation_id, name in db.session.execute(
            sa.select(organisation_topics.c.organisation_id, Topic.name)
            .join(Topic, Topic.id == organisation_topics.c.topic_id)
            .join(Organisation, Organisation.id == organisation_topics.c.organisation_id)
            .where(approved).order_by(Topic.name)):
        topics.setdefault(organisation_id, []).append(name)
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.slug, Organisation.name, Organisation.kind, Organisation.circle,
                  Organisation.commune, Organisation.commune_code, Commune.postal_codes, Organisation.description,
                  Organisation.website, Organisation.declared_members, Organisation.rna, Organisation.siren,
                  Organisation.siret, Organisation.decided_at, Organisation.created_at)
        .outerjoin(Commune, Commune.code == Organisation.commune_code)
        .where(approved).order_by(sa.func.lower(Organisation.name), Organisation.id))
    # One URL built, the others derived from it (the URL map is slow for thousands).
    marker = "organisation-slug-marker"
    before, after = external_url("organisations.show", slug=marker).rsplit(marker, 1)
    for row in rows:
        yield {
            "slug": row.slug,
            "name": row.name,
            "kind": OrganisationKind(row.kind).value,
            "circle": getattr(row.circle, "value", row.circle),
            "commune": row.commune,
            "commune_insee": row.commune_code or "",
            "postal_codes": list(row.postal_codes or []),
            "topics": topics.get(row.id, []),
            "description": row.description,
            "website": row.website,
            "declared_members": row.declared_members,
            "rna": row.rna,
            "siren": row.siren,
            "siret": row.siret,
            "member_since": _as_utc(row.decided_at or row.created_at),
            "url": f"{before}{row.slug}{after}",
        }


# --- CSV and JSON ---------------------------------------------------------------------


def as_csv(items: Iterable[dict]) -> Iterator[str]:
    return csv_chunks(PUBLIC_FIELDS, items)


def as_json(items: Iterable[dict]) -> Iterator[str]:
    """``{"licence", "fields", "organisations": [...]}`` in chunks."""
    yield json.dumps({"licence": LICENCE, "fields": PUBLIC_FIELDS}, ensure_ascii=False)[:-1] + ', "organisations": ['
    chunk = []
    for n, record in enumerate(items):
        chunk.append(("," if n else "") + json.dumps(record, ensure_ascii=False))
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]}"


# --- schema.org JSON-LD ----------------------------------------------------------------


def _property(name: str, value: str) -> dict:
    return {"@type": "PropertyValue", "propertyID": name, "value": value}


def json_ld(record: dict) -> dict:
    """A schema.org ``NGO`` (associations) or ``Organization``: identifiers RNA, SIREN and
    SIRET as ``PropertyValue``, the commune and its INSEE code in the ``address``, topics as
    ``knowsAbout``."""
    thing = {
        "@type": "NGO" if record["kind"] == OrganisationKind.ASSOCIATION.value else "Organization",
        "@id": record["url"],
        "name": record["name"],
        "url": record["website"] or record["url"],
        "mainEntityOfPage": record["url"],
    }
    if record["description"]:
        thing["description"] = record["description"]
    identifiers = [_property(name.upper(), record[name]) for name in ("rna", "siren", "siret") if record[name]]
    if identifiers:
        thing["identifier"] = identifiers
    if record["commune"]:
        address = {"@type": "PostalAddress", "addressLocality": record["commune"], "addressCountry": "FR"}
        if len(record["postal_codes"]) == 1:
            address["postalCode"] = record["postal_codes"][0]
        if record["commune_insee"]:
            address["identifier"] = _property("INSEE", record["commune_insee"])
        thing["address"] = address
    if record["topics"]:
        thing["knowsAbout"] = record["topics"]
    if record["website"]:
        thing["sameAs"] = record["website"]
    return thing


def as_json_ld(items: Iterable[dict]) -> Iterator[str]:
    """``{"@context": "https://schema.org", "@graph": [...]}`` in chunks."""
    head = {"@context": "https://schema.org", "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "@graph": ['
    chunk = []
    for n, record in enumerate(items):
        chunk.append(("," if n else "") + json.dumps(json_ld(record), ensure_ascii=False))
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]}"
