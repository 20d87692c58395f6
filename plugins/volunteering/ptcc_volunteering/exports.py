"""Missions in the formats of open data: iCalendar (RFC 5545), CSV, JSON, schema.org JSON-LD.

The public form of a mission (``public_record``) carries no personal data: no
contact, no author, no volunteer. Everything else in this module builds on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from ptcc.web.csv_export import CHUNK_ROWS, csv_chunks
from ptcc.web.urls import external_url

from ptcc_volunteering.models import Mission, Response, ResponseStatus

#: Columns of the CSV dataset, in order (also the keys of the JSON records).
PUBLIC_FIELDS = ["id", "title", "description", "organisation", "organisation_slug", "commune", "skills",
                 "start_date", "end_date", "availability", "volunteers_needed", "places_left", "status",
                 "published_at", "url"]


def public_record(mission: Mission) -> dict:
    return _record(mission, mission.organisation.name, mission.organisation.slug, mission.skill_labels,
                   mission.accepted_count, external_url("volunteering.show", mission_id=mission.id))


def _record(mission, organisation: str, organisation_slug: str, skills: list[str], accepted: int,
            url: str) -> dict:
    """The public fields, from a Mission or a dataset row (same attribute names)."""
    return {
        "id": mission.id,
        "title": mission.title,
        "description": mission.description,
        "organisation": organisation,
        "organisation_slug": organisation_slug,
        "commune": mission.commune,
        "skills": skills,
        "start_date": mission.starts_on.isoformat() if mission.starts_on else None,
        "end_date": (mission.ends_on or mission.starts_on).isoformat() if mission.starts_on else None,
        "availability": mission.availability,
        "volunteers_needed": mission.volunteers_needed,
        "places_left": max(mission.volunteers_needed - accepted, 0),
        "status": mission.status.value,
        "published_at": _as_utc(mission.created_at).isoformat(timespec="seconds"),
        "url": url,
    }


def _as_utc(moment: datetime) -> datetime:
    # Rows read without the ORM type skip UTCDateTime's conversion: SQLite gives naive UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def dataset_records(rows, skills: dict[int, list[str]]):
    """Public records of ``queries.dataset_rows``, one at a time."""
    # One URL built, the others derived from it: building 2,000 through the URL map was a
    # third of the dataset's time.
    url_of = external_url("volunteering.show", mission_id=2**31 - 1).rsplit(str(2**31 - 1), 1)
    for row in rows:
        yield _record(row, row.organisation, row.organisation_slug, skills.get(row.id, []), row.accepted,
                      f"{url_of[0]}{row.id}{url_of[1]}")


# --- CSV --------------------------------------------------------------------------------

def missions_csv(records) -> Iterator[str]:
    """The CSV dataset in chunks, header first, from public records."""
    return csv_chunks(PUBLIC_FIELDS, records)


def missions_json(records, licence: str) -> Iterator[str]:
    """The JSON dataset in chunks: ``{"licence", "fields", "missions": [...]}``."""
    yield json.dumps({"licence": licence, "fields": PUBLIC_FIELDS}, ensure_ascii=False)[:-1] + ', "missions": ['
    chunk = []
    for n, record in enumerate(records):
        chunk.append(("," if n else "") + json.dumps(record, ensure_ascii=False))
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "]}"


# --- JSON-LD (schema.org) -------------------------------------------------------------


def json_ld(mission: Mission) -> dict:
    """A schema.org ``Event`` with its ``organizer``; schema.org has no volunteering type."""
    organisation = mission.organisation
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": external_url("volunteering.show", mission_id=mission.id),
        "name": mission.title,
        "description": mission.description,
        "url": external_url("volunteering.show", mission_id=mission.id),
        # A closed mission still takes place: it only stopped taking volunteers.
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "maximumAttendeeCapacity": mission.volunteers_needed,
        "remainingAttendeeCapacity": mission.places_left,
        "keywords": ", ".join(mission.skill_labels),
        "location": {"@type": "Place", "name": mission.commune,
                     "address": {"@type": "PostalAddress", "addressLocality": mission.commune,
                                 "addressCountry": "FR"}},
        "organizer": {"@type": "Organization", "name": organisation.name},
    }
    if mission.starts_on:
        data["startDate"] = mission.starts_on.isoformat()
        data["endDate"] = (mission.ends_on or mission.starts_on).isoformat()
    if mission.availability:
        data["eventSchedule"] = {"@type": "Schedule", "description": mission.availability}
    if not data["keywords"]:
        del data["keywords"]
    return data


# --- iCalendar (RFC 5545) ---------------------------------------------------------------

PRODID = "-//PTCC//Volunteer missions//FR"


def escape_text(value: str) -> str:
    """TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (§3.1), never inside a character.

    Continuation lines start with one space, which counts in their 75 octets.
    """
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _day_after(day: date) -> date:
    # Forms and services keep dates far from the calendar's end; a row written before
    # they did must still not break a whole feed.
    return day + timedelta(days=1) if day < date.max else day


def _event(mission: Mission, host: str, now: datetime, status: str) -> list[str]:
    last = mission.ends_on or mission.starts_on
    url = external_url("volunteering.show", mission_id=mission.id)
    description = mission.description
    if mission.availability:
        description = f"{mission.availability}\n\n{description}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:volunteering-mission-{mission.id}@{host}",
        f"DTSTAMP:{_stamp(now)}",
        f"LAST-MODIFIED:{_stamp(mission.updated_at)}",
        f"DTSTART;VALUE=DATE:{mission.starts_on.strftime('%Y%m%d')}",
        # DTEND of an all-day event is the day after the last one (exclusive).
        f"DTEND;VALUE=DATE:{_day_after(last).strftime('%Y%m%d')}",
        f"SUMMARY:{escape_text(mission.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(mission.commune)}",
        f"URL:{url}",
        f"STATUS:{status}",
        "TRANSP:TRANSPARENT",
    ]
    if mission.skill_labels:
        lines.append("CATEGORIES:" + ",".join(escape_text(label) for label in mission.skill_labels))
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: list[tuple[Mission, str]], host: str, now: datetime | None = None) -> str:
    """A VCALENDAR of all-day events; ``events`` pairs a dated mission with its STATUS."""
    now = now or datetime.now(timezone.utc)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for mission, status in events:
        if mission.starts_on is not None:
            lines.extend(_event(mission, host, now, status))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def organisation_calendar(organisation, missions, host: str, now: datetime | None = None) -> str:
    events = [(mission, "CONFIRMED") for mission in missions]
    return calendar(organisation.name, events, host, now)


def commitments_calendar(name: str, responses: list[Response], host: str, now: datetime | None = None) -> str:
    """Accepted answers are confirmed, waiting ones tentative; others are left out."""
    status = {ResponseStatus.ACCEPTED: "CONFIRMED", ResponseStatus.PENDING: "TENTATIVE"}
    events = [(r.mission, status[r.status]) for r in responses if r.status in status]
    return calendar(name, events, host, now)
