"""Exports: iCalendar feeds parsed back, schema.org JSON-LD, the open dataset, the JSON API."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta


from ptcc.extensions import db


# --- a strict reader of RFC 5545 text, independent of the writer ----------------------


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append({"n": "\n", "N": "\n"}.get(following, following))
        else:
            out.append(char)
    return "".join(out)


def parse_ics(text: str) -> dict:
    """The VCALENDAR as {"props": {...}, "events": [{name: (params, value)}]}, checking the framing."""
    assert text.endswith("\r\n"), "the stream must end with CRLF"
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, f"bare line break in {line!r}"
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack: list[tuple[str, dict]] = []
    calendar, events = None, []
    for line in logical:
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        if name == "BEGIN":
            stack.append((value, {}))
        elif name == "END":
            component, props = stack.pop()
            assert component == value, f"END:{value} closes {component}"
            if value == "VEVENT":
                events.append(props)
            elif value == "VCALENDAR":
                calendar = props
        else:
            stack[-1][1].setdefault(name, (params, value))
    assert not stack and calendar is not None
    return {"props": calendar, "events": events}


# --- fixtures ---------------------------------------------------------------------------------


TRICKY = "Repas; partage, et \\ fête — « Ça va » 🍲"


def test_ics_writer_escapes_and_folds():
    from ptcc_volunteering.exports import escape_text, fold

    assert escape_text("a;b,c\\d\r\ne") == "a\\;b\\,c\\\\d\\ne"
    long_line = "DESCRIPTION:" + "é" * 100
    folded = fold(long_line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and len(parts) == 3
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == long_line


def test_volunteer_calendar(signed_in, cast, make_user, make_mission, in_request):
    from ptcc.accounts.models import User
    from ptcc_volunteering import services
    from ptcc_volunteering.models import Mission

    long_text = "Ligne un\nLigne deux, avec des virgules; et des points-virgules. " + "Très long texte. " * 20
    dated = make_mission("alpha", cast["organisation"], title=TRICKY, description=long_text, starts_in=5, days=3,
                         skills=("cuisine", "accueil"))
    recurring = make_mission("alpha", cast["organisation"], title="Permanence", starts_in=None)
    declined = make_mission("alpha", cast["organisation"], title="Déclinée", starts_in=8)
    with in_request("alpha"):
        volunteer, member = (db.session.get(User, u.id) for u in (cast["volunteer"], cast["member"]))
        responses = {mid: services.answer(volunteer, db.session.get(Mission, mid))
                     for mid in (dated, recurring, declined, cast["mission"])}
        services.accept(member, responses[dated])
        services.decline(member, responses[declined])
        db.session.commit()

    client = signed_in(cast["volunteer"])
    page = client.get("/missions/commitments").get_data(as_text=True)
    feed_url = re.search(r'value="(http://alpha\.test/missions/commitments/calendar/[^"]+\.ics)"', page).group(1)
    anonymous = type(client)(client.client.application.test_client(), "alpha.test")
    response = anonymous.get(feed_url.removeprefix("http://alpha.test"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    calendar = parse_ics(response.get_data(as_text=True))
    assert calendar["props"]["VERSION"][1] == "2.0" and calendar["props"]["PRODID"][1]
    events = {unescape(e["SUMMARY"][1]): e for e in calendar["events"]}
    assert set(events) == {TRICKY, "Distribution alimentaire"}  # no dates: no event; declined: left out
    event = events[TRICKY]
    start = date.today() + timedelta(days=5)
    assert event["DTSTART"] == (["VALUE=DATE"], start.strftime("%Y%m%d"))
    assert event["DTEND"] == (["VALUE=DATE"], (start + timedelta(days=3)).strftime("%Y%m%d"))
    assert event["STATUS"][1] == "CONFIRMED" and events["Distribution alimentaire"]["STATUS"][1] == "TENTATIVE"
    assert unescape(event["DESCRIPTION"][1]) == long_text
    assert event["CATEGORIES"][1] == "accueil,cuisine"
    assert event["UID"][1] == f"volunteering-mission-{dated}@alpha.test"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][1])
    assert event["URL"][1] == f"http://alpha.test/missions/{dated}"

    assert anonymous.get("/missions/commitments/calendar/forged.ics").status_code == 404
    with in_request("alpha"):
        db.session.get(User, cast["volunteer"].id).auth_version += 1  # password changed
        db.session.commit()
    assert anonymous.get(feed_url.removeprefix("http://alpha.test")).status_code == 404


def test_organisation_calendar(alpha, cast, make_mission, make_user, make_organisation):
    make_mission("alpha", cast["organisation"], title="Fermée", status="closed")
    make_mission("alpha", cast["organisation"], title="Sans date", starts_in=None)
    response = alpha.get(f"/missions/organisations/{cast['organisation']['slug']}/calendar.ics")
    assert response.status_code == 200
    calendar = parse_ics(response.get_data(as_text=True))
    assert unescape(calendar["props"]["X-WR-CALNAME"][1]) == "Les Amis du Quartier"
    assert [unescape(e["SUMMARY"][1]) for e in calendar["events"]] == ["Distribution alimentaire"]
    refused = make_organisation("alpha", members=[make_user()], status="refused")
    assert alpha.get(f"/missions/organisations/{refused['slug']}/calendar.ics").status_code == 404
    assert alpha.get("/missions/organisations/nobody/calendar.ics").status_code == 404


def test_json_ld_on_the_mission_page(alpha, cast, make_mission):
    hostile = "</script><script>alert(1)</script>"
    mission = make_mission("alpha", cast["organisation"], title=hostile, starts_in=3, days=2,
                           availability="de 9 h à 12 h", volunteers_needed=4)
    response = alpha.get(f"/missions/{mission}")
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1 and "<script>alert" not in page
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == hostile
    assert data["organizer"] == {"@type": "Organization", "name": "Les Amis du Quartier"}
    assert data["startDate"] == (date.today() + timedelta(days=3)).isoformat()
    assert data["endDate"] == (date.today() + timedelta(days=4)).isoformat()
    assert data["location"]["address"]["addressLocality"] == "Lyon"
    assert data["maximumAttendeeCapacity"] == 4 and data["remainingAttendeeCapacity"] == 4
    assert data["eventSchedule"]["description"] == "de 9 h à 12 h"
    assert "contact@association.example.org" not in blocks[0]


PERSONAL = ("email", "mail", "contact", "user", "volunteer_", "person", "author", "created_by", "phone", "message")


def _answered_by_someone(cast, in_request):
    from ptcc.accounts.models import User
    from ptcc_volunteering import services
    from ptcc_volunteering.models import Mission

    with in_request("alpha"):
        services.answer(db.session.get(User, cast["volunteer"].id), db.session.get(Mission, cast["mission"]),
                        "mon message privé")
        db.session.commit()


def test_open_dataset_csv_has_no_personal_data(alpha, cast, make_mission, in_request):
    _answered_by_someone(cast, in_request)
    make_mission("alpha", cast["organisation"], title="=HYPERLINK(\"http://evil\")", starts_in=4)
    make_mission("alpha", cast["organisation"], title="Fermée", status="closed")
    response = alpha.get("/missions/open-data/missions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    columns = rows[0].keys()
    assert not [c for c in columns if any(word in c.lower() for word in PERSONAL)]
    for secret in (cast["volunteer"].email, cast["member"].email, "Victor Volontaire", "Marie Membre",
                   "contact@association.example.org", "mon message privé"):
        assert secret not in text
    titles = {row["title"] for row in rows}
    assert titles == {"Distribution alimentaire", "'=HYPERLINK(\"http://evil\")"}
    row = next(r for r in rows if r["title"] == "Distribution alimentaire")
    assert row["organisation"] == "Les Amis du Quartier" and row["skills"] == "cuisine"
    assert row["places_left"] == "2" and row["url"].endswith(f"/missions/{cast['mission']}")


def test_open_dataset_json_and_the_api(alpha, cast, make_mission, in_request):
    _answered_by_someone(cast, in_request)
    make_mission("alpha", cast["organisation"], title="Atelier", commune="Bron", starts_in=None)
    data = alpha.get("/missions/open-data/missions.json").get_json()
    assert data["licence"].startswith("Licence Ouverte")
    assert {m["title"] for m in data["missions"]} == {"Distribution alimentaire", "Atelier"}
    text = json.dumps(data, ensure_ascii=False)
    for secret in (cast["volunteer"].email, "Victor Volontaire", "contact@association.example.org"):
        assert secret not in text
    for record in data["missions"]:
        assert not [k for k in record if any(word in k for word in PERSONAL)]

    listing = alpha.get("/api/volunteering/missions?commune=Bron").get_json()
    assert listing["total"] == 1 and listing["missions"][0]["title"] == "Atelier"
    assert listing["missions"][0]["start_date"] is None
    paged = alpha.get("/api/volunteering/missions?per_page=1&page=2").get_json()
    assert paged["pages"] == 2 and len(paged["missions"]) == 1
    bad = alpha.get("/api/volunteering/missions?date=31/02")
    assert bad.status_code == 400 and bad.get_json()["error"]
    one = alpha.get(f"/api/volunteering/missions/{cast['mission']}").get_json()
    assert one["title"] == "Distribution alimentaire" and one["places_left"] == 2


def test_the_datasets_carry_exactly_the_records_of_the_api(alpha, cast, make_mission, in_request, app):
    """The datasets are built from plain rows, the API from missions: both give the same record."""
    from ptcc.extensions import db
    from ptcc_volunteering.models import Response, ResponseStatus

    _answered_by_someone(cast, in_request)
    other = make_mission("alpha", cast["organisation"], title="Atelier", skills=("vélo", "accueil"), starts_in=None)
    with in_request("alpha"):
        db.session.add(Response(mission_id=other, user_id=cast["stranger"].id, status=ResponseStatus.ACCEPTED))
        db.session.commit()
    dataset = alpha.get("/missions/open-data/missions.json").get_json()["missions"]
    assert len(dataset) == 2
    for record in dataset:
        assert record == alpha.get(f"/api/volunteering/missions/{record['id']}").get_json()
    rows = list(csv.DictReader(io.StringIO(alpha.get("/missions/open-data/missions.csv").get_data(as_text=True))))
    assert [row["id"] for row in rows] == [str(record["id"]) for record in dataset]
    assert next(r for r in rows if r["title"] == "Atelier")["skills"] == "accueil, vélo"
