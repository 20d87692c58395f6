"""The public directory of approved organisations, its figures, and search.

Only approved organisations appear anywhere here; nothing needs a signed-in person.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask import current_app
from flask_babel import gettext as _

from ptcc.caching import cached_per_territory
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations.models import Circle, Organisation, OrganisationKind, OrganisationStatus, Topic, organisation_topics

APPROVED = Organisation.status == OrganisationStatus.APPROVED


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


def search(query: str, limit: int) -> list[Organisation]:
    """Approved organisations whose name, commune, description or topic contains ``query``."""
    query = (query or "").strip()
    if not query or limit <= 0:
        return []
    name_hit = Organisation.name.icontains(query, autoescape=True)
    matches = sa.or_(
        name_hit,
        Organisation.commune.icontains(query, autoescape=True),
        Organisation.description.icontains(query, autoescape=True),
        Organisation.topics.any(Topic.name.icontains(query, autoescape=True)),
    )
    return list(db.session.scalars(
        _approved().where(matches)
        .order_by(sa.case((name_hit, 0), else_=1), sa.func.lower(Organisation.name), Organisation.id)
        .limit(limit)))
