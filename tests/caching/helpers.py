"""Writes and readings shared by the cache tests."""

from __future__ import annotations

import itertools
import re

from ptcc.extensions import db

_numbers = itertools.count(1)
FIGURE_RE = re.compile(r"<strong>(\d+)</strong> organisations?")


def add_organisation(app, slug: str = "alpha") -> None:
    from ptcc.organisations.models import Organisation, OrganisationKind, OrganisationStatus
    from ptcc.tenancy import tenant_context

    n = next(_numbers)
    with tenant_context(slug, app=app):
        db.session.add(Organisation(slug=f"cache-{n}", name=f"Cache {n}", commune="Lyon",
                                    kind=OrganisationKind.ASSOCIATION, status=OrganisationStatus.APPROVED))
        db.session.commit()


def organisations_shown(client) -> int:
    html = client.get("/organisations/").get_data(as_text=True)
    return int(FIGURE_RE.search(html).group(1))
