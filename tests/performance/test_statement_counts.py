"""SQL statements per page do not grow with the data: every GET page of the URL map, signed out
and signed in, rendered at two data sizes.

The pages are those of the application's URL map, with the URL values of the isolation
suite's cases (``tests/isolation/cases_*.py``, which every route must have): a new page is
counted here without a new test. The larger data set is the small one enlarged by the
benchmark's generator (``benchmarks/generate.py``): more organisations, missions, people,
answers and activity than one page of any list shows, so that a statement run per row
shows as a count that grows. Pages are rendered (the anonymous page cache is off): what is
counted is what a page costs when it is not kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.isolation.framework import PASSWORD, USERS, seed, territory_get_pages

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import generate  # noqa: E402
from queries import counting  # noqa: E402

#: Rows the generator adds to the seeded territory, then twice as many: above the longest
#: page of any list (PTCC_PER_PAGE is 20).
ADDED = 25


class _AppOnly:
    """What ``generate.enlarge`` needs of a benchmark sandbox: the application."""

    def __init__(self, app):
        self._app = app

    def app(self):
        return self._app


def count_statements(clients: dict, pages) -> tuple[dict, dict]:
    """Per (viewpoint, path): the statements of one warm request (the one before it fills the
    caches), and the most connections it held at once."""
    counts, connections = {}, {}
    with counting() as counter:
        for viewpoint, client in clients.items():
            for _endpoint, path in pages:
                client.get(path).get_data()
                counter.start()
                client.get(path).get_data()
                counter.stop()
                counts[(viewpoint, path)] = counter.statements
                connections[(viewpoint, path)] = counter.most_out
    return counts, connections


@pytest.fixture
def viewpoints(app, territory_client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_PAGE_CACHE_SECONDS", 0)
    values = seed(app, "alpha", make_user)
    clients = {"anonymous": territory_client("alpha")}
    for key in ("member", "admin"):
        clients[key] = territory_client("alpha")
        clients[key].login(USERS[key][0], PASSWORD)
    return values, clients


def test_statements_do_not_grow_and_one_connection_serves_a_request(app, viewpoints):
    values, clients = viewpoints
    pages = territory_get_pages(app, values)
    assert len(pages) > 30  # the whole URL map, not a handful
    # Both sizes have rows in every list: a page that makes one more statement when a list
    # stops being empty (a relation loaded for the rows shown) is not one that grows.
    generate.enlarge(_AppOnly(app), "alpha", ADDED, ADDED, seed=7, batch="a")
    small, connections = count_statements(clients, pages)

    enlarged = generate.enlarge(_AppOnly(app), "alpha", 2 * ADDED, 2 * ADDED, seed=8, batch="b")
    assert enlarged.organisations == enlarged.missions == 2 * ADDED
    large, more_connections = count_statements(clients, pages)

    grown = [f"{viewpoint} GET {path}: {small[(viewpoint, path)]} → {count} statements"
             for (viewpoint, path), count in large.items() if count > small[(viewpoint, path)]]
    assert not grown, "pages whose statements grow with the data:\n" + "\n".join(grown)
    doubled = [f"{viewpoint} GET {path}: {most} connections at once"
               for (viewpoint, path), most in (connections | more_connections).items() if most > 1]
    assert not doubled, "\n".join(doubled)
