"""A small read-only JSON API: the open missions, and one mission.

Same public fields as the open dataset (no personal data). Errors answer JSON
too (the core's error handler does so for every ``/api/`` address).
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from ptcc.web.errors import render_error
from ptcc.web.forms import page_number
from ptcc_volunteering import exports, queries, services
from ptcc_volunteering.i18n import _
from ptcc_volunteering.views import read_filters

MAX_PER_PAGE = 100


def missions():
    """``GET /api/volunteering/missions?commune=&skill=&date=YYYY-MM-DD&organisation=&page=&per_page=``"""
    form, filters, valid = read_filters(request.args)
    if not valid:
        problems = "; ".join(f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items())
        return render_error(400, _("Invalid filter: %(problems)s", problems=problems))
    per_page = request.args.get("per_page", current_app.config["PTCC_PER_PAGE"], type=int) or 1
    page = queries.page_of_missions(page=page_number(), per_page=min(max(per_page, 1), MAX_PER_PAGE), **filters)
    return {
        "page": page.page,
        "pages": page.pages,
        "per_page": page.per_page,
        "total": page.total,
        "missions": [exports.public_record(mission) for mission in page.items],
    }


def mission(mission_id: int):
    found = services.get_mission(mission_id, current_user)
    if not found.organisation.is_public or found.is_hidden:
        return render_error(404)
    return exports.public_record(found)
