"""Reading missions: the filtered list, filter choices, search, commitments, managed missions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import current_app

from ptcc.caching import cached_per_territory
from ptcc.extensions import db
from ptcc import search as search_index
from ptcc.search import Dependency, Document, SearchSource
from ptcc_volunteering.models import Mission, MissionSkill, MissionStatus, Response, ResponseStatus


def _organisation_model():
    from ptcc.organisations.models import Organisation, OrganisationStatus

    return Organisation, OrganisationStatus


def public_missions(include_closed: bool = False, include_past: bool = False, today: date | None = None):
    """Missions of approved organisations: open ones by default, not yet over."""
    Organisation, _status = _organisation_model()
    query = sa.select(Mission).join(Organisation, Organisation.id == Mission.organisation_id)
    if not include_past:
        today = today or _today()
    return query.where(*_public(include_closed, include_past, today))


def _public(include_closed: bool, include_past: bool, today) -> list[sa.ColumnElement[bool]]:
    """The conditions of ``public_missions`` on a select joining Mission to its Organisation;
    ``today`` is a date or a bound parameter (a statement built once, the day given at execution)."""
    Organisation, OrganisationStatus = _organisation_model()
    from ptcc.organisations.visibility import PUBLIC

    conditions = [PUBLIC, Mission.hidden_at.is_(None)]
    if not include_closed:
        conditions.append(Mission.status == MissionStatus.OPEN)
    if not include_past:
        conditions.append(sa.or_(Mission.starts_on.is_(None),
                                 sa.func.coalesce(Mission.ends_on, Mission.starts_on) >= today))
    return conditions


def _today() -> date:
    from ptcc_volunteering.services import local_today

    return local_today()


def _ordered(query):
    recurring_last = sa.case((Mission.starts_on.is_(None), 1), else_=0)
    return query.order_by(recurring_last, Mission.starts_on, Mission.created_at.desc(), Mission.id.desc())


def with_card_data(query):
    """What a card, a dataset row or a calendar event shows of each mission, loaded for the
    whole list in two queries: skills and answers (places left), instead of two per mission."""
    return query.options(selectinload(Mission.skills), selectinload(Mission.responses))


def filtered(**filters):
    """Open missions matching every given filter (``matching``), with what their cards show."""
    return with_card_data(matching(**filters))


def matching(*, commune: str = "", skill: str = "", on_date: date | None = None, organisation: str = "",
             organisation_name: str = ""):
    """Open missions matching every given filter, soonest first, recurring ones last.

    ``on_date`` keeps the missions taking place that day, and the recurring ones.
    """
    Organisation, _status = _organisation_model()
    query = public_missions()
    if commune:
        query = query.where(Mission.commune == commune)
    if skill:
        query = query.where(Mission.skills.any(MissionSkill.slug == skill))
    if organisation:
        query = query.where(Organisation.slug == organisation)
    if organisation_name.strip():
        query = query.where(Organisation.name.icontains(organisation_name.strip(), autoescape=True))
    if on_date:
        query = query.where(sa.or_(
            Mission.starts_on.is_(None),
            sa.and_(Mission.starts_on <= on_date, sa.func.coalesce(Mission.ends_on, Mission.starts_on) >= on_date),
        ))
    return _ordered(query)


def dataset_rows(**filters) -> tuple[list, dict[int, list[str]]]:
    """The open missions as plain rows for the open datasets, and each one's skill labels.

    Two queries whatever the number of missions, and no ORM objects: a dataset of
    thousands of rows is built from tuples.
    """
    Organisation, _status = _organisation_model()
    accepted = (sa.select(sa.func.count(Response.id))
                .where(Response.mission_id == Mission.id, Response.status == ResponseStatus.ACCEPTED)
                .correlate(Mission).scalar_subquery())
    query = matching(**filters)
    rows = db.session.execute(query.with_only_columns(
        Mission.id, Mission.title, Mission.description, Organisation.name.label("organisation"),
        Organisation.slug.label("organisation_slug"), Mission.commune, Mission.starts_on, Mission.ends_on,
        Mission.availability, Mission.volunteers_needed, accepted.label("accepted"), Mission.status,
        Mission.created_at)).all()
    ids = query.with_only_columns(Mission.id).order_by(None).scalar_subquery()
    skills: dict[int, list[str]] = {}
    for mission_id, label in db.session.execute(
            sa.select(MissionSkill.mission_id, MissionSkill.label).where(MissionSkill.mission_id.in_(ids))
            .order_by(MissionSkill.mission_id, MissionSkill.label)):
        skills.setdefault(mission_id, []).append(label)
    return rows, skills


def db_all(query) -> list[Mission]:
    return db.session.scalars(query).unique().all()


def page_of_missions(page: int = 1, per_page: int | None = None, **filters):
    return db.paginate(filtered(**filters), page=max(page, 1),
                       per_page=per_page or current_app.config["PTCC_PER_PAGE"], error_out=False)


@cached_per_territory("volunteering.filter_choices")
def filter_choices() -> dict:
    """Communes, skills and organisations found among the open missions, for the filter form."""
    Organisation, _status = _organisation_model()
    ids = public_missions().with_only_columns(Mission.id).scalar_subquery()
    communes = db.session.scalars(sa.select(Mission.commune).where(Mission.id.in_(ids)).distinct()).all()
    skills = db.session.execute(sa.select(MissionSkill.slug, sa.func.min(MissionSkill.label))
                                .where(MissionSkill.mission_id.in_(ids)).group_by(MissionSkill.slug)).all()
    organisations = db.session.execute(
        sa.select(Organisation.slug, Organisation.name).join(Mission, Mission.organisation_id == Organisation.id)
        .where(Mission.id.in_(ids)).distinct()).all()
    return {
        "communes": sorted(communes, key=str.lower),
        "skills": sorted(((slug, label) for slug, label in skills), key=lambda item: item[1].lower()),
        "organisations": sorted(((slug, name) for slug, name in organisations), key=lambda item: item[1].lower()),
    }


# --- search (the platform's search index, ptcc.search) ----------------------------------

SEARCH_KIND = "volunteering.mission"


def _search_document(mission: Mission) -> Document | None:
    """Open missions of approved organisations, found by title, organisation, commune, skills,
    availability and description. Whether a mission is over is a matter of the day: ``search``
    asks ``public_missions`` for it."""
    Organisation, OrganisationStatus = _organisation_model()
    organisation = mission.organisation
    if (mission.status != MissionStatus.OPEN or mission.is_hidden or organisation is None
            or not organisation.is_public):
        return None
    return Document(title=mission.title,
                    body="\n".join([organisation.name, mission.commune, *mission.skill_labels, mission.availability,
                                    mission.description]))


def _missions_of_organisations(organisations) -> sa.Select:
    return sa.select(Mission.id).where(Mission.organisation_id.in_([o.id for o in organisations]))


def _missions_of_skills(skills) -> list[int]:
    return [skill.mission_id for skill in skills]


def search_sources() -> list[SearchSource]:
    """What ``ptcc_search_sources`` declares for the missions."""
    Organisation, _status = _organisation_model()
    return [SearchSource(
        kind=SEARCH_KIND, model=Mission, document=_search_document,
        fields=("title", "description", "commune", "availability", "status", "hidden_at", "organisation_id",
                "organisation", "skills"),
        depends_on=(Dependency(Organisation, _missions_of_organisations, fields=("name", "status", "hidden_at")),
                    Dependency(MissionSkill, _missions_of_skills, fields=("label",))),
        load=lambda: sa.select(Mission).options(selectinload(Mission.skills)),
    )]


@dataclass(frozen=True)
class MissionHit:
    """What the search page shows of a mission found: plain columns, no ORM object."""

    id: int
    title: str
    commune: str
    organisation_name: str
    #: In [0, 1), higher first (``ptcc.search.score``).
    score: float


def _ranked(statement: sa.Select, hits) -> sa.Select:
    """The missions of ``statement`` among ``hits``, best rank first, then soonest (recurring last):
    the order of every mission search."""
    recurring_last = sa.case((Mission.starts_on.is_(None), 1), else_=0)
    return (statement.join(hits, hits.c.object_id == Mission.id)
            .order_by(hits.c.rank.desc(), recurring_last, Mission.starts_on, Mission.created_at.desc(),
                      Mission.id.desc()))


@lru_cache(maxsize=4)
def _hits_statement(dialect: str) -> sa.Select:
    """The search page's query, built once per backend: ``public_missions``' rules with the day,
    the terms and the limit bound at execution, and only the columns a result shows (the
    organisation's name from the join the rules need, not a whole organisation per mission)."""
    Organisation, _status = _organisation_model()
    hits = search_index.ranked((SEARCH_KIND,), dialect)
    statement = (sa.select(Mission.id, Mission.title, Mission.commune, Organisation.name, hits.c.rank)
                 .select_from(Mission).join(Organisation, Organisation.id == Mission.organisation_id)
                 .where(*_public(False, False, sa.bindparam("ptcc_today", type_=sa.Date))))
    return _ranked(statement, hits).limit(sa.bindparam("ptcc_limit", type_=sa.Integer))


def search_hits(text: str, limit: int) -> list[MissionHit]:
    """Public missions (``public_missions``: open, not over, of approved organisations) matching
    every word of ``text`` (or words starting with it), best first, with their score in [0, 1).

    One query through the index.
    """
    dialect = search_index.dialect_of()
    parameters = search_index.search_parameters(text, dialect) if limit > 0 else None
    if parameters is None:
        return []
    rows = db.session.execute(_hits_statement(dialect), {**parameters, "ptcc_today": _today(), "ptcc_limit": limit})
    return [MissionHit(mission_id, title, commune, organisation, search_index.score(rank))
            for mission_id, title, commune, organisation, rank in rows]


def search(text: str, limit: int) -> list[Mission]:
    """Public missions matching ``text`` (as ``search_hits``), best first, with what their cards
    show (three queries: the missions, their skills, their answers)."""
    hits = search_index.matching(SEARCH_KIND, text) if limit > 0 else None
    if hits is None:
        return []
    return db_all(with_card_data(_ranked(public_missions(), hits).limit(limit)))


def latest(limit: int = 3) -> list[Mission]:
    query = public_missions().order_by(Mission.created_at.desc(), Mission.id.desc()).limit(limit)
    return db.session.scalars(with_card_data(query)).unique().all()


def commitments(user) -> list[Response]:
    """A person's answers, current ones first, each mission's soonest date first."""
    current = sa.case((Response.status.in_([ResponseStatus.PENDING, ResponseStatus.ACCEPTED]), 0), else_=1)
    return db.session.scalars(
        sa.select(Response).join(Mission, Mission.id == Response.mission_id).where(Response.user_id == user.id)
        .order_by(current, sa.case((Mission.starts_on.is_(None), 1), else_=0), Mission.starts_on,
                  Response.created_at.desc())
        .options(selectinload(Response.mission).selectinload(Mission.skills))
    ).all()


def managed_missions(organisations) -> list[Mission]:
    """Every mission (open or closed) of the given organisations, newest first."""
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return []
    return db.session.scalars(sa.select(Mission).where(Mission.organisation_id.in_(ids))
                              .order_by(sa.case((Mission.status == MissionStatus.OPEN, 0), else_=1),
                                        Mission.created_at.desc(), Mission.id.desc())
                              .options(selectinload(Mission.responses))).unique().all()


def organisation_missions(organisation) -> list[Mission]:
    """The public missions of one organisation, open, past included (its calendar)."""
    Organisation, _status = _organisation_model()
    query = public_missions(include_past=True).where(Mission.organisation_id == organisation.id)
    return db.session.scalars(with_card_data(_ordered(query))).unique().all()


def find_organisation(slug: str):
    from ptcc.organisations.visibility import PUBLIC

    Organisation, _status = _organisation_model()
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug, PUBLIC))


def responses_of(mission: Mission) -> dict[str, list[Response]]:
    """The answers of a mission grouped by status, oldest first."""
    grouped: dict[str, list[Response]] = {status.value: [] for status in ResponseStatus}
    for response in mission.responses:
        grouped[response.status.value].append(response)
    return grouped


def waiting_answers(organisations) -> list[tuple[Mission, int]]:
    """(mission, answers waiting for a decision) of the given organisations' open missions."""
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return []
    rows = db.session.execute(
        sa.select(Mission, sa.func.count(Response.id)).join(Response, Response.mission_id == Mission.id)
        .where(Mission.organisation_id.in_(ids), Mission.status == MissionStatus.OPEN,
               Response.status == ResponseStatus.PENDING)
        .group_by(Mission.id).order_by(Mission.created_at.desc(), Mission.id.desc())
    ).unique().all()
    return [(mission, count) for mission, count in rows]
