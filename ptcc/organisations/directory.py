"""The public directory of approved organisations, its figures, and search.

Only approved organisations appear anywhere here; nothing needs a signed-in person.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import current_app
from flask_babel import gettext as _

from ptcc.caching import cached_per_territory
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations.models import Circle, Organisation, OrganisationKind, OrganisationStatus, Topic, organisation_topics
from ptcc.organisations.visibility import PUBLIC
from ptcc.search import Dependency, Document, SearchSource, dialect_of, matching, ranked, score, search_parameters

#: Approved and not hidden by the moderators (``ptcc.organisations.visibility``).
APPROVED = PUBLIC


def _approved():
    return sa.select(Organisation).where(APPROVED)


def directory_page(*, kind: str = "", topic: str = "", commune: str = "", page: int = 1,
                   per_page: int | None = None):
    """A page of approved organisations by name, filtered by kind, topic slug and commune.

    An unknown kind or topic is a mistake in the address: ServiceError naming the filter.
    An unknown commune simply matches nothing.
    """
    query = _approved()
    if kind:
        try:
            query = query.where(Organisation.kind == OrganisationKind(kind))
        except ValueError:
            raise ServiceError(_("Unknown kind of organisation."), field="kind") from None
    if topic:
        if db.session.scalar(sa.select(Topic.id).where(Topic.slug == topic[:80])) is None:
            raise ServiceError(_("Unknown topic."), field="topic")
        query = query.where(Organisation.topics.any(Topic.slug == topic))
    commune = (commune or "").strip()
    if commune:
        query = query.where(sa.func.lower(Organisation.commune) == commune.lower())
    # Each card lists its topics: one query for the page's topics, not one per card.
    query = query.order_by(sa.func.lower(Organisation.name), Organisation.id).options(
        selectinload(Organisation.topics))
    return db.paginate(query, page=max(page, 1), per_page=per_page or current_app.config["PTCC_PER_PAGE"],
                       error_out=False)


@cached_per_territory("organisations.communes")
def communes() -> list[str]:
    """Communes of approved organisations, for the filter."""
    rows = db.session.scalars(sa.select(Organisation.commune).where(APPROVED, Organisation.commune != "")
                              .distinct())
    return sorted(set(rows), key=str.casefold)


@dataclass(frozen=True)
class TopicRef:
    """What lists and filters show of a topic (plain data: it is cached across requests)."""

    slug: str
    name: str


@cached_per_territory("organisations.topics_in_use")
def topics_in_use() -> list[TopicRef]:
    return [TopicRef(slug, name) for slug, name in db.session.execute(
        sa.select(Topic.slug, Topic.name).join(organisation_topics).join(Organisation).where(APPROVED)
        .distinct().order_by(Topic.name))]


@dataclass(frozen=True)
class Figures:
    organisations: int
    #: Sum of the declared numbers; organisations that declared none count for nothing.
    declared_members: int
    #: How many organisations declared a number of members.
    declaring: int
    by_kind: list[tuple[OrganisationKind, int]]
    by_circle: list[tuple[Circle, int]]
    #: (topic, organisations) for topics used by approved organisations, most used first.
    by_topic: list[tuple[TopicRef, int]]


@cached_per_territory("organisations.figures")
def figures() -> Figures:
    """The territory at a glance: the "centralised information" the directory gives."""
    total, members, declaring = db.session.execute(
        sa.select(sa.func.count(Organisation.id), sa.func.coalesce(sa.func.sum(Organisation.declared_members), 0),
                  sa.func.count(Organisation.declared_members)).where(APPROVED)).one()
    kinds = dict(db.session.execute(
        sa.select(Organisation.kind, sa.func.count()).where(APPROVED).group_by(Organisation.kind)).all())
    circles = dict(db.session.execute(
        sa.select(Organisation.circle, sa.func.count()).where(APPROVED).group_by(Organisation.circle)).all())
    per_topic = db.session.execute(
        sa.select(Topic.slug, Topic.name, sa.func.count(Organisation.id).label("n"))
        .join(organisation_topics, organisation_topics.c.topic_id == Topic.id)
        .join(Organisation, Organisation.id == organisation_topics.c.organisation_id)
        .where(APPROVED).group_by(Topic.id, Topic.slug, Topic.name).order_by(sa.desc("n"), Topic.name)).all()
    return Figures(
        organisations=total,
        declared_members=int(members),
        declaring=declaring,
        by_kind=[(kind, kinds[kind]) for kind in OrganisationKind if kinds.get(kind)],
        by_circle=[(circle, circles.get(circle, 0)) for circle in Circle],
        by_topic=[(TopicRef(slug, name), n) for slug, name, n in per_topic],
    )


def recent(limit: int = 5) -> list[Organisation]:
    """The latest approved organisations (by decision date, then creation)."""
    return list(db.session.scalars(
        _approved().order_by(sa.func.coalesce(Organisation.decided_at, Organisation.created_at).desc(),
                             Organisation.id.desc()).limit(limit)))


# --- search (the platform's search index, ptcc.search) ----------------------------------

SEARCH_KIND = "organisations.organisation"


def _search_document(organisation: Organisation) -> Document | None:
    """Approved organisations are found by name (the title), commune, topics and description."""
    if not organisation.is_public:
        return None
    return Document(title=organisation.name,
                    body="\n".join([organisation.commune, *(topic.name for topic in organisation.topics),
                                    organisation.description]))


def _organisations_of_topics(topics) -> sa.Select:
    return sa.select(organisation_topics.c.organisation_id).where(
        organisation_topics.c.topic_id.in_([topic.id for topic in topics]))


def search_sources() -> list[SearchSource]:
    """What ``ptcc_search_sources`` declares for the organisations."""
    return [SearchSource(
        kind=SEARCH_KIND, model=Organisation, document=_search_document,
        fields=("name", "commune", "description", "status", "hidden_at", "topics"),
        depends_on=(Dependency(Topic, _organisations_of_topics, fields=("name",)),),
        load=lambda: sa.select(Organisation).options(selectinload(Organisation.topics)),
    )]


@dataclass(frozen=True)
class OrganisationHit:
    """What the search page shows of an organisation found: plain columns, no ORM object."""

    name: str
    slug: str
    kind: OrganisationKind
    commune: str
    #: In [0, 1), higher first (``ptcc.search.score``).
    score: float


def _ranked_approved(statement: sa.Select, hits) -> sa.Select:
    """Approved organisations among ``hits``, best rank first, then by name: the rules and the
    order of every organisation search."""
    return (statement.join(hits, hits.c.object_id == Organisation.id).where(APPROVED)
            .order_by(hits.c.rank.desc(), sa.func.lower(Organisation.name), Organisation.id))


@lru_cache(maxsize=4)
def _hits_statement(dialect: str) -> sa.Select:
    """The search page's query, built once per backend: only the columns a result shows, the
    terms and the limit bound at execution. For a selective search, building the statement
    and loading whole organisations as objects cost several times what the database does."""
    hits = ranked((SEARCH_KIND,), dialect)
    columns = sa.select(Organisation.name, Organisation.slug, Organisation.kind, Organisation.commune, hits.c.rank)
    return _ranked_approved(columns.select_from(Organisation), hits).limit(
        sa.bindparam("ptcc_limit", type_=sa.Integer))


def search_hits(query: str, limit: int) -> list[OrganisationHit]:
    """Approved organisations matching every word of ``query`` (or words starting with it) in
    their name, commune, topics or description, best first, with their score in [0, 1).

    One query, through the index; a word of the name counts more than one of the rest.
    """
    dialect = dialect_of()
    parameters = search_parameters(query, dialect) if limit > 0 else None
    if parameters is None:
        return []
    rows = db.session.execute(_hits_statement(dialect), {**parameters, "ptcc_limit": limit})
    return [OrganisationHit(name, slug, kind, commune, score(rank)) for name, slug, kind, commune, rank in rows]


def search(query: str, limit: int) -> list[Organisation]:
    """Approved organisations matching ``query`` (as ``search_hits``), best first, as objects."""
    hits = matching(SEARCH_KIND, query) if limit > 0 else None
    if hits is None:
        return []
    return list(db.session.scalars(_ranked_approved(sa.select(Organisation), hits).limit(limit)))
