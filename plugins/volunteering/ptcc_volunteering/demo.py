"""Demo missions for the Lyon demo territory (``ptcc demo`` calls ``build_demo_missions``).

Runs inside ``tenant_context``; flushes but does not commit (the command does).
Organisations are found by name among the approved demo organisations; a
mission whose organisation is missing is skipped and reported.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ptcc.db import utcnow
from ptcc.demo.dates import SATURDAY, demo_day
from ptcc.extensions import db

#: (organisation, title, description, skills, commune, first day, days, availability, needed, contact,
#:  answers as (person e-mail, status, message)). The first day is days from today, or
#:  (days, weekday): the first such weekday (0 Monday … 6 Sunday) from then, for missions whose
#:  text names the day ("samedi de 10 h à 18 h", "rangement le dimanche soir").
MISSIONS = [
    ("Jardins partagés de la Guillotière", "Chantier de printemps au jardin Bahadourian",
     "Préparer les parcelles collectives avant les semis : **désherbage**, paillage, réparation des bacs en "
     "bois. Outils et gants fournis, goûter partagé à 16 h.\n\nOuvert à toutes et tous, aucune expérience "
     "nécessaire.", ["jardinage", "bricolage"], "Lyon", 12, 1, "de 14 h à 17 h", 8, "jardins@guillotiere.example.org",
     [("thomas.bernard@lyon.demo", "accepted", "J'apporte ma visseuse !")]),
    ("Vélo Cité Rhône", "Atelier d'autoréparation : accueillir les cyclistes",
     "Accueillir les personnes qui viennent réparer leur vélo, les orienter vers les outils et les bénévoles "
     "mécaniciens, tenir la caisse des adhésions. Une formation courte est proposée au premier créneau.",
     ["accueil", "mécanique vélo"], "Villeurbanne", None, None, "chaque mardi de 18 h à 20 h", 3,
     "atelier@velocite.example.org",
     [("ines.moreau@lyon.demo", "pending", "Disponible un mardi sur deux.")]),
    ("Fédération Rhône Solidarités Quartiers", "Permanence d'accès aux droits",
     "Aider les habitantes et habitants à remplir leurs démarches en ligne (CAF, impôts, santé) aux côtés "
     "d'une travailleuse sociale. Les bénévoles s'engagent à la **confidentialité**.",
     ["accompagnement numérique", "écoute"], "Vénissieux", None, None, "le jeudi matin, 9 h – 12 h", 4,
     "04 72 00 00 00", []),
    ("La Fabrique des Pentes", "Festival des Pentes : tenir la buvette et l'accueil",
     "Deux jours de concerts et d'ateliers dans la cour de la Fabrique. Créneaux de trois heures : buvette, "
     "accueil du public, rangement le dimanche soir.", ["accueil", "logistique"], "Lyon", (30, SATURDAY), 2, "", 12,
     "festival@fabrique-pentes.example.org",
     [("sophie.nguyen@lyon.demo", "accepted", ""), ("aicha.diallo@lyon.demo", "pending", "Plutôt le samedi.")]),
    ("Le Lyon Commun", "Relire et corriger les articles du numéro d'été",
     "Relecture orthographique et vérification des sources des articles du numéro d'été, à distance ou à la "
     "rédaction. Les consignes de style sont fournies.", ["relecture", "rédaction"], "Lyon", 20, 10,
     "quelques heures à votre rythme", 2, "redaction@lyon-commun.example.org", []),
    ("Les Canuts Numériques", "Install party : libérer les vieux ordinateurs",
     "Installer un système libre sur des ordinateurs donnés par des entreprises avant leur redistribution à "
     "des familles. Binômes débutant·e / confirmé·e.", ["informatique", "logiciels libres"], "Lyon",
     (45, SATURDAY), 1,
     "samedi de 10 h à 18 h", 6, "contact@canuts-numeriques.example.org", []),
]


def build_demo_missions() -> list[str]:
    """Create the demo missions of the current territory (nothing when it already has some).

    Returns lines for the progress output of ``ptcc demo``.
    """
    from ptcc.accounts.models import User
    from ptcc.organisations.models import Membership, MembershipStatus, Organisation, OrganisationStatus
    from ptcc_volunteering import notifications
    from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus, Response, ResponseStatus
    from ptcc_volunteering.services import local_today, slugify

    if db.session.scalar(sa.select(sa.func.count()).select_from(Mission)):
        return ["volunteer missions already present, skipped"]
    today, now = local_today(), utcnow()
    created, answers, skipped = 0, 0, []
    for index, (org_name, title, description, skills, commune, offset, days, availability, needed, contact,
                responses) in enumerate(MISSIONS):
        organisation = db.session.scalar(sa.select(Organisation).where(
            Organisation.name == org_name, Organisation.status == OrganisationStatus.APPROVED))
        if organisation is None:
            skipped.append(org_name)
            continue
        author = db.session.scalar(sa.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organisation_id == organisation.id, Membership.status == MembershipStatus.ACTIVE)
            .order_by(Membership.id))
        starts_on = demo_day(today, offset) if offset is not None else None
        mission = Mission(
            organisation=organisation, title=title, description=description, commune=commune,
            starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1) if starts_on else None,
            availability=availability, volunteers_needed=needed, contact=contact, status=MissionStatus.OPEN,
            created_by_id=author.id if author else None, created_at=now - timedelta(days=10 - index),
            skills=[MissionSkill(label=label, slug=slugify(label)) for label in skills],
        )
        db.session.add(mission)
        db.session.flush()
        notifications.mission_published(mission, author)
        created += 1
        for email, status, message in responses:
            volunteer = db.session.scalar(sa.select(User).where(User.email == email))
            if volunteer is None:
                continue
            decided = status != "pending"
            db.session.add(Response(mission=mission, user_id=volunteer.id, message=message,
                                    status=ResponseStatus(status), created_at=now - timedelta(days=5 - index % 3),
                                    decided_at=now - timedelta(days=1) if decided else None,
                                    decided_by_id=author.id if decided and author else None))
            if status == "accepted":
                notifications.volunteer_accepted(mission, author)
            answers += 1
    db.session.flush()
    lines = [f"{created} volunteer missions, {answers} answers from volunteers"]
    if skipped:
        lines.append(f"no approved organisation named {', '.join(skipped)}: their missions were skipped")
    return lines
