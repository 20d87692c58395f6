"""Pages of the territory that gather what every active plugin contributes."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user, login_required

from ptcc.activity.models import ActivityEntry
from ptcc.activity.services import FeedItem, _link, feed_page, visible_types
from ptcc.caching import cached_per_territory
from ptcc.extensions import db
from ptcc.web.discovery import open_datasets, search_everywhere
from ptcc.web.forms import page_number
from ptcc.web.menu import blocks


def search():
    outcome = search_everywhere(request.args.get("q", ""), current_user._get_current_object())
    return render_template("web/search.html", outcome=outcome)


def open_data():
    return render_template("web/open_data.html", datasets=open_datasets())


def activity():
    return render_template("web/activity.html", page=feed_page(page_number()))


@login_required
def dashboard():
    user = current_user._get_current_object()
    return render_template("web/dashboard.html", blocks=blocks("ptcc_dashboard_blocks", user=user),
                           latest=latest_activity(DASHBOARD_ACTIVITY))


# --- the dashboard's latest activity ---------------------------------------------------------

#: Entries of the activity feed shown on the dashboard.
DASHBOARD_ACTIVITY = 5


class FeedEntry(NamedTuple):
    """What the feed shows of an ``ActivityEntry``: plain data, so that it can be cached."""

    kind: str
    subject: str
    endpoint: str
    url_values: dict
    actor_label: str
    created_at: datetime


@cached_per_territory("web.dashboard.latest_activity")
def _latest_entries(kinds: tuple[str, ...], limit: int) -> tuple[FeedEntry, ...]:
    """The newest entries of the given kinds; the same for everybody in the territory.

    One query (``feed_page`` also counts every entry, for its pages).
    """
    if not kinds:
        return ()
    rows = db.session.execute(
        sa.select(ActivityEntry.kind, ActivityEntry.subject, ActivityEntry.endpoint, ActivityEntry.url_values,
                  ActivityEntry.actor_label, ActivityEntry.created_at)
        .where(ActivityEntry.kind.in_(kinds))
        .order_by(ActivityEntry.created_at.desc(), ActivityEntry.id.desc()).limit(limit)).all()
    return tuple(FeedEntry(kind, subject, endpoint or "", dict(url_values or {}), actor_label or "", created_at)
                 for kind, subject, endpoint, url_values, actor_label, created_at in rows)


def latest_activity(limit: int) -> list[FeedItem]:
    """``ptcc.activity.services.latest``, its entries cached per data version: labels (in the
    reader's language) and links (for this request's host or prefix) are made per request."""
    types = visible_types()
    return [FeedItem(entry, str(types[entry.kind].label), _link(entry))
            for entry in _latest_entries(tuple(sorted(types)), limit)]
