"""Writes and readings shared by the cache tests."""

from __future__ import annotations

import itertools
import re
import threading

from ptcc.extensions import db

_numbers = itertools.count(1)
#: The directory's figure tile of approved organisations (``ui.figure_tile``).
FIGURE_RE = re.compile(r'<strong class="figure-value">(\d+)</strong>\s*<span class="figure-label">organisations?<')


def add_organisation(app, slug: str = "alpha") -> str:
    """Add an approved organisation; its name (unique in the test process)."""
    from ptcc.organisations.models import Organisation, OrganisationKind, OrganisationStatus
    from ptcc.tenancy import tenant_context

    n = next(_numbers)
    with tenant_context(slug, app=app):
        db.session.add(Organisation(slug=f"cache-{n}", name=f"Cache {n}", commune="Lyon",
                                    kind=OrganisationKind.ASSOCIATION, status=OrganisationStatus.APPROVED))
        db.session.commit()
    return f"Cache {n}"


def organisations_shown(client) -> int:
    html = client.get("/organisations/").get_data(as_text=True)
    return int(FIGURE_RE.search(html).group(1))


def every_write_is_seen_while_another_reads(writer_app, reader_app, writes: int) -> None:
    """``writes`` organisations added through ``writer_app``, each counted at once through
    ``reader_app`` while a thread of ``reader_app`` reads the same page all along: a reader
    that starts after a commit returned always sees it."""
    from ptcc.testing.clients import TerritoryClient

    reader = TerritoryClient(reader_app.test_client(), "alpha.test")
    start = organisations_shown(reader)
    stop, errors = threading.Event(), []

    def read_all_along():
        other = TerritoryClient(reader_app.test_client(), "alpha.test")
        while not stop.is_set():
            try:
                other.get("/organisations/")
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

    reading = threading.Thread(target=read_all_along)
    reading.start()
    try:
        for n in range(1, writes + 1):
            add_organisation(writer_app)
            assert organisations_shown(reader) == start + n
    finally:
        stop.set()
        reading.join()
    assert errors == []
