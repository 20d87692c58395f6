"""Writing to and reading the activity stream. Services flush, the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, url_for
from werkzeug.routing import BuildError

from ptcc.activity.models import ActivityEntry
from ptcc.extensions import db
from ptcc.plugins.manager import plugin_manager
from ptcc.plugins.types import ActivityType

SUBJECT_MAX = 300


class UnknownActivityKind(ValueError):
    """``publish`` was given a kind that no installed plugin declares (a programming error)."""


def publish(kind: str, subject: str, endpoint: str, url_values: dict | None = None,
            actor=None, organisation=None) -> ActivityEntry:
    """Add an entry to the current territory's stream; flush, never commit.

    ``kind`` must be the name of an ``ActivityType`` returned by some plugin's
    ``ptcc_activity_types``; ``endpoint`` and ``url_values`` say where the entry
    links (built with ``url_for`` when the feed is shown). ``actor`` is the person
    who acted, or None for the system; ``organisation`` the organisation it acted for or is
    about, if any: its name is shown to every reader (the person's only where the territory
    says so), the feed shows the entry only while it is approved (not while suspended), and
    merging it into another moves the entry.
    """
    owner = plugin_manager().activity_kinds().get(kind)
    if owner is None:
        raise UnknownActivityKind(f"activity kind {kind!r} is not declared by any plugin's ptcc_activity_types")
    is_person = actor is not None and getattr(actor, "is_authenticated", False) and getattr(actor, "id", None)
    entry = ActivityEntry(
        kind=kind,
        plugin=owner,
        subject=(subject or "").strip()[:SUBJECT_MAX],
        endpoint=endpoint or "",
        url_values=dict(url_values or {}),
        actor_id=actor.id if is_person else None,
        actor_label=(getattr(actor, "display_name", "") or "")[:120] if is_person else "",
        organisation_label=(getattr(organisation, "name", "") or "")[:200] if organisation is not None else "",
        organisation_id=getattr(organisation, "id", None),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def hide_entries_about(endpoint: str, url_values: dict, hidden: bool = True) -> int:
    """Hide (or show again) the entries linking to ``endpoint`` with these URL values: what the
    moderators hid after a report (``ptcc_reportable_types``) leaves the feed too. Flush only."""
    wanted = {key: value for key, value in url_values.items()}
    entries = [entry for entry in db.session.scalars(sa.select(ActivityEntry).where(ActivityEntry.endpoint == endpoint))
               if all((entry.url_values or {}).get(key) == value for key, value in wanted.items())]
    for entry in entries:
        entry.hidden = hidden
    db.session.flush()
    return len(entries)


def visible_types() -> dict[str, ActivityType]:
    """Kind -> ActivityType, for the plugins active in the current territory."""
    found: dict[str, ActivityType] = {}
    for contributed in plugin_manager().hook("ptcc_activity_types")():
        for activity_type in contributed or []:
            found[activity_type.name] = activity_type
    return found


@dataclass(frozen=True)
class FeedItem:
    entry: ActivityEntry
    label: str
    url: str | None
    #: The person's name, where the territory's setting lets this reader see it; else "".
    actor: str = ""
    #: The organisation's name, when one acted (shown to everybody).
    organisation: str = ""


def shows_people_names(user=None) -> bool:
    """Whether this reader sees people's names in the feed (the territory's
    ``activity_names`` setting; default: signed-in people only)."""
    from flask_login import current_user

    from ptcc.tenancy.settings import territory_settings

    choice = territory_settings().activity_names
    if choice == "always":
        return True
    if choice == "never":
        return False
    reader = current_user if user is None else user
    return bool(getattr(reader, "is_authenticated", False))


def feed_item(entry, label: str, url: str | None, names: bool) -> FeedItem:
    """``entry``: an ``ActivityEntry`` or anything with its columns (a cached row)."""
    return FeedItem(entry, label, url, actor=(entry.actor_label or "") if names else "",
                    organisation=getattr(entry, "organisation_label", "") or "")


def _link(entry: ActivityEntry) -> str | None:
    if not entry.endpoint:
        return None
    try:
        return url_for(entry.endpoint, **(entry.url_values or {}))
    except BuildError:
        return None


def _of_public_organisation() -> sa.ColumnElement[bool]:
    """Entries about no organisation, or about an approved one (not a suspended one)."""
    from ptcc.organisations.models import Organisation, OrganisationStatus

    approved = sa.select(Organisation.id).where(Organisation.status == OrganisationStatus.APPROVED)
    return sa.or_(ActivityEntry.organisation_id.is_(None), ActivityEntry.organisation_id.in_(approved))


def feed_page(page: int = 1, per_page: int | None = None):
    """A page of the visible entries, newest first; ``.items`` are ``FeedItem``s.

    Entries of plugins disabled in this territory stay stored but are not shown.
    """
    types = visible_types()
    query = (
        sa.select(ActivityEntry)
        .where(ActivityEntry.kind.in_(sorted(types)) if types else sa.false(), ActivityEntry.hidden.is_(False),
               _of_public_organisation())
        .order_by(ActivityEntry.created_at.desc(), ActivityEntry.id.desc())
    )
    result = db.paginate(query, page=max(page, 1), per_page=per_page or current_app.config["PTCC_PER_PAGE"],
                         error_out=False)
    names = shows_people_names()
    result.items = [feed_item(e, str(types[e.kind].label), _link(e), names) for e in result.items]
    return result


def latest(limit: int = 5) -> list[FeedItem]:
    return feed_page(1, per_page=limit).items
