"""``/communes/search?q=``: the territory's communes for the autocomplete, as JSON."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _

from ptcc.communes import services
from ptcc.extensions import limiter
from ptcc.web.input import CONTROL_IN_LINE_RE


def _search_limit() -> str:
    return current_app.config["PTCC_COMMUNES_SEARCH_LIMIT"]


@limiter.limit(_search_limit)
def search():
    """Up to 20 communes matching ``q`` (name or postal code, accents aside): the same for every
    visitor until the territory's data changes, so public caches may keep it a few minutes."""
    query = request.args.get("q", "")
    if len(query) > services.MAX_QUERY or CONTROL_IN_LINE_RE.search(query):
        response = jsonify(error="bad_query", message=_("Type at most %(max)s letters or digits of a commune's name or postal code.",
                                   max=services.MAX_QUERY))
        response.status_code = 400
        return response
    limit = request.args.get("limit", "")
    limit = int(limit) if limit.isdigit() and len(limit) < 4 else services.MAX_RESULTS
    results = services.search(query, limit)
    response = jsonify(query=query, count=len(results), results=[choice.as_json() for choice in results])
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    return response
