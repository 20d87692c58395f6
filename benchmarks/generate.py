"""Benchmark data: the demo territories, Lyon enlarged, and many small territories copied from one.

* ``build_demo`` runs ``ptcc demo`` on a sandbox: Lyon and Brocéliande as every developer sees them.
* ``enlarge`` adds N approved organisations and M volunteer missions to one territory, with
  people, topics, memberships, skills, answers and the activity feed's entries. Rows go in by
  bulk ``INSERT … RETURNING id`` through SQLAlchemy core inside ``tenant_context`` (a few
  statements per table, not one request or ORM object per row), from a seeded ``random.Random``:
  the same arguments give the same rows.
* ``make_territories`` writes N tenant.toml files and gives each a copy of one migrated
  database (a file copy, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL) instead of
  migrating N databases.

    .venv/bin/python benchmarks/generate.py /tmp/somewhere --organisations 2000 --missions 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from sandbox import REPO, Sandbox

#: Who signs in for the dashboard (owner of "La Fabrique des Pentes" in the demo data).
DASHBOARD_EMAIL = "lea.fontaine@lyon.demo"
DEMO_SLUGS = ("lyon", "broceliande")

COMMUNES = ["Lyon", "Villeurbanne", "Vénissieux", "Vaulx-en-Velin", "Bron", "Caluire-et-Cuire", "Saint-Priest",
            "Oullins", "Rillieux-la-Pape", "Décines-Charpieu", "Meyzieu", "Tassin-la-Demi-Lune", "Écully",
            "Givors", "Saint-Fons", "Sainte-Foy-lès-Lyon", "Villefranche-sur-Saône", "Pierre-Bénite",
            "Saint-Genis-Laval", "Neuville-sur-Saône", "Mions", "Chassieu", "Francheville", "Limonest"]
EXTRA_TOPICS = ["Santé", "Sport pour toutes et tous", "Éducation populaire", "Logement", "Environnement",
                "Jeunesse", "Accès aux droits", "Arts vivants"]
NAME_STARTS = ["Collectif", "Association", "Atelier", "Maison", "Réseau", "Les Ami·es", "Coopérative",
               "Comité", "Fabrique", "Jardins partagés", "Café associatif", "Union", "Observatoire"]
NAME_THEMES = ["du vélo", "des solidarités", "du numérique libre", "de la culture", "des habitants",
               "de l'alimentation durable", "de la réparation", "du jardin", "de l'entraide", "des savoirs",
               "de la transition", "des mobilités", "du quartier", "des familles"]
SENTENCES = [
    "Nous accueillons les habitantes et habitants du quartier chaque semaine.",
    "Nos bénévoles animent des **ateliers** ouverts à toutes et tous, sans inscription.",
    "Le jardin partagé produit des légumes distribués aux familles du quartier.",
    "Un atelier d'autoréparation de vélos se tient le samedi matin.",
    "Nous formons aux outils numériques libres : messagerie, bureautique, cartographie.",
    "La structure travaille avec la Métropole et les centres sociaux voisins.",
    "Des permanences d'accès aux droits aident à remplir les démarches en ligne.",
    "Un café associatif permet de se rencontrer autour d'un repas à prix libre.",
    "Nous publions chaque trimestre un journal de quartier rédigé par ses habitants.",
    "Les adhésions sont à prix libre ; personne n'est refusé faute de moyens.",
]
LIST_ITEMS = ["*permanences* le mardi soir", "un **atelier bois** partagé", "des sorties à vélo",
              "un fonds de livres en prêt", "une cuisine collective", "des formations courtes"]
MISSION_TITLES = ["Tenir l'accueil d'une permanence", "Animer un atelier de réparation", "Préparer le jardin",
                  "Distribuer des paniers solidaires", "Accompagner des démarches en ligne",
                  "Relire le journal de quartier", "Aider à la logistique d'un festival",
                  "Donner des cours de français", "Installer des logiciels libres", "Encadrer une sortie à vélo",
                  "Cuisiner pour un repas partagé", "Trier des dons de vêtements"]
SKILLS = ["accueil", "jardinage", "bricolage", "mécanique vélo", "informatique", "logiciels libres",
          "relecture", "rédaction", "cuisine", "logistique", "écoute", "accompagnement numérique",
          "animation", "langues", "comptabilité", "graphisme", "photographie", "conduite", "tri", "couture"]
FIRST_NAMES = ["Camille", "Léa", "Karim", "Sophie", "Thomas", "Inès", "Julien", "Aïcha", "Mathieu", "Chloé",
               "Yanis", "Manon", "Hugo", "Fatou", "Lucas", "Emma", "Nadia", "Paul", "Zoé", "Samir"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Nguyen", "Diallo", "Girard", "Perret",
              "Rousseau", "Benali", "Fontaine", "Lefèvre", "Garcia", "Roux", "Mercier", "Faure", "Blanc"]


@dataclass
class Enlarged:
    slug: str
    people: int
    organisations: int
    missions: int
    answers: int
    activity_entries: int
    seconds: float


# --- the demo territories ------------------------------------------------------------------


def build_demo(sandbox: Sandbox) -> str:
    """``ptcc demo`` on the sandbox (migrations included); returns its output."""
    for slug in DEMO_SLUGS:
        sandbox.copy_repo_tenant(slug)
        sandbox.note_created(slug)
    app = sandbox.app(fresh=True)
    try:
        result = app.test_cli_runner().invoke(args=["demo"])
    finally:
        app.extensions["ptcc"].engines.dispose_all()
    if result.exit_code != 0:
        raise RuntimeError(f"ptcc demo failed ({result.exit_code}):\n{result.output}")
    return result.output


# --- enlarging one territory ---------------------------------------------------------------


def _insert(table, rows: list[dict]) -> list[int]:
    """One bulk INSERT … RETURNING id for all rows; ids in the order of ``rows``."""
    from ptcc.extensions import db

    if not rows:
        return []
    result = db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _insert_plain(table, rows: list[dict]) -> None:
    from ptcc.extensions import db

    if rows:
        db.session.execute(table.insert(), rows)


def _description(rnd: random.Random, name: str) -> str:
    paragraphs = [f"**{name}** agit depuis {rnd.randint(1985, 2024)}. " + " ".join(rnd.sample(SENTENCES, 3)),
                  "\n".join(f"- {item}" for item in rnd.sample(LIST_ITEMS, 3)),
                  " ".join(rnd.sample(SENTENCES, 2))]
    return "\n\n".join(paragraphs)


def enlarge(sandbox: Sandbox, slug: str, organisations: int, missions: int, seed: int = 2026,
            batch: str = "") -> Enlarged:
    """Add ``organisations`` approved organisations and ``missions`` missions to a territory
    already built by ``build_demo`` (or copied from one); commits once at the end. ``batch``
    goes into every generated e-mail address and name, so that a territory can be enlarged
    more than once."""
    from ptcc.accounts.models import Role, User, hash_password
    from ptcc.activity.models import ActivityEntry
    from ptcc.demo.content import DEMO_PASSWORD
    from ptcc.extensions import db
    from ptcc.organisations import models as m
    from ptcc.tenancy import tenant_context
    from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus, Response, ResponseStatus
    from ptcc_volunteering.notifications import MISSION_PUBLISHED, VOLUNTEER_ACCEPTED
    from ptcc_volunteering.services import slugify

    started = time.perf_counter()
    rnd = random.Random(f"{seed}:{slug}:{organisations}:{missions}")
    # A fixed date rather than today: the same seed gives the same rows whatever the day;
    # missions are dated from the run's own day so that most stay "upcoming".
    epoch = datetime(2026, 1, 1, tzinfo=timezone.utc)
    today = date.today()
    app = sandbox.app()
    with tenant_context(slug, app=app):
        # One hash for every generated person (the demo password): scrypt takes ~0.1 s a call.
        password_hash = hash_password(DEMO_PASSWORD)
        users = User.__table__
        people_count = max(organisations // 2, 20)
        people_rows = []
        for n in range(1, people_count + 1):
            joined = epoch - timedelta(days=rnd.randint(1, 700), minutes=rnd.randint(0, 1440))
            people_rows.append({
                "email": f"personne-{batch}{n:05d}@{slug}.bench", "password_hash": password_hash,
                "display_name": f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}", "role": Role.MEMBER,
                "locale": "", "email_verified_at": joined + timedelta(minutes=9), "auth_version": 1,
                "created_at": joined, "last_login_at": joined + timedelta(days=rnd.randint(0, 300)),
            })
        people = _insert(users, people_rows)
        people_names = {pid: row["display_name"] for pid, row in zip(people, people_rows)}
        dashboard_user = db.session.scalar(sa.select(User.id).where(User.email == DASHBOARD_EMAIL))

        topics_table = m.Topic.__table__
        known_topics = set(db.session.scalars(sa.select(m.Topic.name)))
        _insert(topics_table, [{"name": name, "slug": slugify(name)} for name in EXTRA_TOPICS
                               if name not in known_topics])
        topic_ids = list(db.session.scalars(sa.select(m.Topic.id)))

        org_rows = []
        for n in range(1, organisations + 1):
            kind = rnd.choice(list(m.OrganisationKind))
            name = f"{rnd.choice(NAME_STARTS)} {rnd.choice(NAME_THEMES)} {batch}{n:04d}"
            created = epoch - timedelta(days=rnd.randint(10, 900))
            org_rows.append({
                "slug": slugify(name), "name": name, "kind": kind, "circle": m.usual_circle(kind),
                "description": _description(rnd, name), "commune": rnd.choice(COMMUNES),
                "website": f"https://{slugify(name)}.example.org" if rnd.random() < 0.6 else "",
                "declared_members": rnd.randint(3, 900) if rnd.random() < 0.7 else None,
                "rna": "", "siren": "", "siret": "", "status": m.OrganisationStatus.APPROVED,
                "refusal_reason": "", "decided_by_id": None, "decided_at": created + timedelta(days=2),
                "created_by_id": people[n % len(people)], "created_at": created,
                "updated_at": created + timedelta(days=2),
            })
        org_ids = _insert(m.Organisation.__table__, org_rows)
        _insert_plain(m.organisation_topics, [
            {"organisation_id": oid, "topic_id": tid}
            for oid in org_ids for tid in rnd.sample(topic_ids, rnd.randint(1, 3))])
        membership_rows = []
        for index, oid in enumerate(org_ids):
            owner = people[(index + 1) % len(people)]
            membership_rows.append({"organisation_id": oid, "user_id": owner, "role": m.MembershipRole.OWNER,
                                    "may_sign": True, "status": m.MembershipStatus.ACTIVE, "created_at": epoch})
            other = rnd.choice(people)
            if other != owner and rnd.random() < 0.5:
                membership_rows.append({"organisation_id": oid, "user_id": other, "role": m.MembershipRole.MEMBER,
                                        "may_sign": False, "status": m.MembershipStatus.ACTIVE,
                                        "created_at": epoch})
        _insert_plain(m.Membership.__table__, membership_rows)

        # Missions go to generated and demo organisations alike; the demo ones (the dashboard
        # person's among them) get a share, so that their pages and the dashboard have some.
        demo_orgs = list(db.session.execute(
            sa.select(m.Organisation.id, m.Organisation.created_by_id)
            .where(m.Organisation.status == m.OrganisationStatus.APPROVED, m.Organisation.id.not_in(org_ids))))
        owner_of = {oid: people[(index + 1) % len(people)] for index, oid in enumerate(org_ids)}
        owner_of.update({oid: creator for oid, creator in demo_orgs})
        candidates = org_ids + [oid for oid, _creator in demo_orgs] * max(1, missions // 200)
        mission_rows, skill_sets = [], []
        for n in range(1, missions + 1):
            oid = rnd.choice(candidates)
            recurring = rnd.random() < 0.3
            starts = None if recurring else today + timedelta(days=rnd.randint(-20, 150))
            closed = rnd.random() < 0.08
            created = epoch - timedelta(days=rnd.randint(0, 300), minutes=n)
            mission_rows.append({
                "organisation_id": oid, "title": f"{rnd.choice(MISSION_TITLES)} à {rnd.choice(COMMUNES)}",
                "description": " ".join(rnd.sample(SENTENCES, 3)) + "\n\n" + rnd.choice(LIST_ITEMS).capitalize() + ".",
                "commune": rnd.choice(COMMUNES), "starts_on": starts,
                "ends_on": starts + timedelta(days=rnd.randint(0, 3)) if starts else None,
                "availability": "" if starts else rnd.choice(["chaque samedi matin", "le mardi soir",
                                                              "deux heures par semaine"]),
                "volunteers_needed": rnd.randint(1, 12), "contact": f"mission-{n}@{slug}.bench",
                "status": MissionStatus.CLOSED if closed else MissionStatus.OPEN,
                "created_by_id": owner_of.get(oid), "created_at": created, "updated_at": created,
                "closed_at": created + timedelta(days=5) if closed else None,
            })
            skill_sets.append(rnd.sample(SKILLS, rnd.randint(1, 3)))
        mission_ids = _insert(Mission.__table__, mission_rows)
        _insert_plain(MissionSkill.__table__, [
            {"mission_id": mid, "label": label, "slug": slugify(label)}
            for mid, labels in zip(mission_ids, skill_sets) for label in labels])

        response_rows = []
        statuses = [ResponseStatus.PENDING] * 5 + [ResponseStatus.ACCEPTED] * 4 + [ResponseStatus.DECLINED]
        # The dashboard person answers a few missions, as a volunteer would.
        answered_by_dashboard_user = set(rnd.sample(range(len(mission_ids)), min(8, len(mission_ids))))
        for index, (mid, row) in enumerate(zip(mission_ids, mission_rows)):
            volunteers = rnd.sample(people, rnd.randint(1, 3)) if rnd.random() < 0.35 else []
            if dashboard_user and index in answered_by_dashboard_user:
                volunteers.append(dashboard_user)
            for uid in volunteers:
                status = rnd.choice(statuses)
                decided = status != ResponseStatus.PENDING
                response_rows.append({
                    "mission_id": mid, "user_id": uid, "message": rnd.choice(["", "Disponible le samedi.",
                                                                              "Je peux venir avec un ami."]),
                    "status": status, "created_at": row["created_at"] + timedelta(days=1),
                    "decided_at": row["created_at"] + timedelta(days=2) if decided else None,
                    "decided_by_id": row["created_by_id"] if decided else None,
                })
        _insert_plain(Response.__table__, response_rows)

        # The activity feed: what publishing and accepting through the pages would have written.
        activity_rows = [{
            "kind": MISSION_PUBLISHED, "plugin": "volunteering", "subject": row["title"],
            "endpoint": "volunteering.show", "url_values": {"mission_id": mid},
            "actor_id": row["created_by_id"], "actor_label": people_names.get(row["created_by_id"], ""),
            "created_at": row["created_at"]} for mid, row in zip(mission_ids, mission_rows)]
        titles = dict(zip(mission_ids, (row["title"] for row in mission_rows)))
        activity_rows += [{
            "kind": VOLUNTEER_ACCEPTED, "plugin": "volunteering", "subject": titles[row["mission_id"]],
            "endpoint": "volunteering.show", "url_values": {"mission_id": row["mission_id"]},
            "actor_id": row["decided_by_id"], "actor_label": people_names.get(row["decided_by_id"], ""),
            "created_at": row["decided_at"]} for row in response_rows if row["status"] == ResponseStatus.ACCEPTED]
        _insert_plain(ActivityEntry.__table__, activity_rows)
        # The rows went in behind the ORM, which keeps the search index: index them, as
        # `ptcc search reindex` would, or the search page would be fast at finding nothing.
        from ptcc.search.rebuild import rebuild

        rebuild(db.session)
        db.session.commit()
        _analyze(app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get(slug)))
    app.extensions["ptcc"].engines.dispose_all()
    return Enlarged(slug, len(people), len(org_ids), len(mission_ids), len(response_rows), len(activity_rows),
                    time.perf_counter() - started)


def _analyze(engine) -> None:
    """Statistics for the rows just added, as the server's autovacuum would gather them a
    minute later (when it runs: it is off on some development servers). Without them the
    planner takes a table of 2,000 rows for one of 4 and joins in the wrong order: a search
    took 20 ms instead of 4 in the database. SQLite plans without statistics here."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


# --- many territories ----------------------------------------------------------------------


def territory_slug(n: int) -> str:
    return f"t{n:04d}"


def territory_host(n: int) -> str:
    return f"{territory_slug(n)}.localhost"


def make_territories(sandbox: Sandbox, template_database: Path | str, count: int) -> list[str]:
    """``count`` territories t0001… (hosts t0001.localhost…), each with a copy of one database.

    ``template_database``: a SQLite file, or the slug of a PostgreSQL territory of this
    sandbox's server whose database is copied (``CREATE DATABASE … TEMPLATE``).
    Returns the hosts, in order.
    """
    base = tomllib.loads((REPO / "tenants" / "lyon" / "tenant.toml").read_text("utf-8"))
    slugs = [territory_slug(n) for n in range(1, count + 1)]
    for n, slug in enumerate(slugs, start=1):
        sandbox.write_tenant(slug, {**base, "name": f"Territoire {n:04d}", "hosts": [territory_host(n)]})
    if sandbox.is_postgres:
        sandbox.copy_database(str(template_database), slugs)
    else:
        # The write-ahead log folded into the file first: the file alone is then the database.
        with sqlite3.connect(template_database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (sandbox.instance / "databases").mkdir(parents=True, exist_ok=True)
        for slug in slugs:
            shutil.copyfile(template_database, sandbox.sqlite_path(slug))
    return [territory_host(n) for n in range(1, count + 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the demo territories in FOLDER and enlarge Lyon.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--missions", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    sandbox = Sandbox(args.folder)
    build_demo(sandbox)
    done = enlarge(sandbox, "lyon", args.organisations, args.missions, args.seed)
    print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
