"""Pages of the territory that gather what every active plugin contributes."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from ptcc.activity.models import ActivityEntry
from ptcc.activity.services import FeedItem, _link, feed_item, feed_page, shows_people_names, visible_types
from ptcc.caching import cached_per_territory, data_version, store
from ptcc.extensions import db
from ptcc.tenancy import current_tenant
from ptcc.web.discovery import open_datasets, search_everywhere
from ptcc.web.forms import page_number
from ptcc.web.menu import blocks
from ptcc.web.page_cache import csrf_token_made


def search():
    outcome = search_everywhere(request.args.get("q", ""), current_user._get_current_object())
    return render_template("web/search.html", outcome=outcome)


def open_data():
    return render_template("web/open_data.html", datasets=open_datasets())


def activity():
    return render_template("web/activity.html", page=feed_page(page_number()))


@login_required
def dashboard():
    return render_template("web/dashboard.html", content=_dashboard_content(current_user._get_current_object()))


def _dashboard_content(user) -> Markup:
    """The blocks and the latest activity as HTML, kept per person, language, host, URL root
    and data version: rendering them was half of the page, and only a write changes them.

    Never kept when a block made a CSRF token (a form): the token belongs to the session.
    The rest of the page (base.html: the sign-out form's token) is rendered every time.
    """
    version = data_version()
    key = None
    if version is not None and not csrf_token_made():
        key = (current_tenant.slug, "web.dashboard.content", user.id, str(get_locale()), request.host,
               request.script_root, version)
        found = store().get(key)
        if found is not None:
            return Markup(found)
    html = render_template("web/_dashboard_content.html", blocks=blocks("ptcc_dashboard_blocks", user=user),
                           latest=latest_activity(DASHBOARD_ACTIVITY))
    if key is not None and not csrf_token_made():
        store().set(key, str(html))
    return Markup(html)


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
    organisation_label: str
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
                  ActivityEntry.actor_label, ActivityEntry.organisation_label, ActivityEntry.created_at)
        .where(ActivityEntry.kind.in_(kinds))
        .order_by(ActivityEntry.created_at.desc(), ActivityEntry.id.desc()).limit(limit)).all()
    return tuple(FeedEntry(kind, subject, endpoint or "", dict(url_values or {}), actor_label or "",
                           organisation_label or "", created_at)
                 for kind, subject, endpoint, url_values, actor_label, organisation_label, created_at in rows)


def latest_activity(limit: int) -> list[FeedItem]:
    """``ptcc.activity.services.latest``, its entries cached per data version: labels (in the
    reader's language) and links (for this request's host or prefix) are made per request."""
    types = visible_types()
    names = shows_people_names()
    return [feed_item(entry, str(types[entry.kind].label), _link(entry), names)
            for entry in _latest_entries(tuple(sorted(types)), limit)]
