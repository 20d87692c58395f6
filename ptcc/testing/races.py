"""Send requests at the same moment, to test what must hold when people act at once.

Each request runs in its own thread with its own Flask test client (so its own
session cookie, signed-in person and CSRF token) against the shared test
database. Everything that can be done in advance — signing in, fetching the
CSRF token — is done before a ``threading.Barrier`` releases all the threads
together, so that the requests overlap in the services' check-then-write.

In a test::

    def test_one_place(race, ...):
        clients = [race.signed_in(user) for user in managers]
        responses = race.post(f"/missions/responses/{rid}/accept", clients)

or, for different requests at once::

    responses = race.run([RaceRequest(alice, "/a/leave"), RaceRequest(bob, "/b/leave")])
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from ptcc.testing.clients import TerritoryClient

#: Python switches threads every 5 ms by default; a race lasts a few milliseconds, so the
#: threads are made to take turns far more often while they run, to interleave the services.
RACE_SWITCH_INTERVAL = 1e-5


@dataclass
class RaceRequest:
    """One request of a race, sent by ``client`` (which should not be shared with another request)."""

    client: TerritoryClient
    path: str
    data: dict = field(default_factory=dict)
    method: str = "POST"


def run_at_once(requests: Sequence[RaceRequest], timeout: float = 60.0) -> list:
    """Send every request at the same moment, one thread each; the responses in the same order.

    A form POST without ``csrf_token`` gets its client's token first (before the start).
    An exception raised in a thread (a view that crashed with ``TESTING`` on) is re-raised here.
    """
    clients = [request.client for request in requests]
    if len({id(client.client) for client in clients}) != len(clients):
        raise ValueError("each request of a race needs its own test client (its own session)")
    prepared = []
    for request in requests:
        data = dict(request.data)
        if request.method == "POST":
            data.setdefault("csrf_token", request.client.csrf_token())
        prepared.append((request, data))

    start = threading.Barrier(len(prepared))
    responses: list = [None] * len(prepared)
    errors: list[BaseException | None] = [None] * len(prepared)

    def send(index: int, request: RaceRequest, data: dict) -> None:
        try:
            start.wait(timeout)
            if request.method == "POST":
                responses[index] = request.client.post(request.path, data=data)
            else:
                responses[index] = request.client.get(request.path)
        except BaseException as exc:  # handed to the test's thread below
            errors[index] = exc

    threads = [threading.Thread(target=send, args=(index, request, data), name=f"race-{index}", daemon=True)
               for index, (request, data) in enumerate(prepared)]
    with _frequent_thread_switches():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"a request of the race did not answer within {timeout} s (a deadlock?)")
    for error in errors:
        if error is not None:
            raise error
    return responses


@contextmanager
def _frequent_thread_switches():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(RACE_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


class Race:
    """What the ``race`` fixture gives: clients for racers, and ways to start them."""

    def __init__(self, app):
        self.app = app

    def client(self, slug: str = "alpha") -> TerritoryClient:
        """A new, anonymous client of the territory (its own cookie jar)."""
        from ptcc.testing.pytest_plugin import TERRITORIES

        return TerritoryClient(self.app.test_client(), TERRITORIES[slug]["hosts"][0])

    def signed_in(self, user, slug: str = "alpha", password: str | None = None) -> TerritoryClient:
        """A new client signed in as ``user`` (anything with an ``email``), by default with the
        factories' password."""
        from ptcc.testing.factories import DEFAULT_PASSWORD

        client = self.client(slug)
        client.login(user.email, password or DEFAULT_PASSWORD)
        return client

    def most_at_once(self, wanted: int, slug: str = "alpha") -> int:
        """``wanted``, or fewer if the territory's connection pool could not serve that many.

        A request may hold two connections at once: its session's, and the one the
        plugins' readiness check opens to read ``alembic_version``. A pool of p
        connections therefore serves p - 1 simultaneous requests for sure; p of them can
        each hold one connection and wait for a second until the pool times out.
        """
        return min(wanted, self._pool_capacity(slug) - 1)

    def _pool_capacity(self, slug: str) -> int:
        ptcc = self.app.extensions["ptcc"]
        pool = ptcc.engines.get(ptcc.registry.get(slug)).pool
        return pool.size() + max(getattr(pool, "_max_overflow", 0), 0)

    def run(self, requests: Sequence[RaceRequest], timeout: float = 60.0, slug: str = "alpha") -> list:
        if len(requests) > self.most_at_once(len(requests), slug):
            raise ValueError(f"{len(requests)} requests at once would starve {slug}'s connection pool "
                             f"({self._pool_capacity(slug)} connections); see Race.most_at_once")
        return run_at_once(requests, timeout)

    def post(self, path: str, clients: Sequence[TerritoryClient], data: dict | None = None) -> list:
        """The same form POST from each client, all at once."""
        return self.run([RaceRequest(client, path, dict(data or {})) for client in clients])


@pytest.fixture
def race(app):
    """Concurrent requests against the test territories; see ``ptcc.testing.races``."""
    return Race(app)


def sqlite_write_lock_held(path: str) -> bool:
    """Whether some connection holds the write lock of the SQLite database at ``path`` now:
    a second connection that may not wait tries to take it."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        other.execute("ROLLBACK")
        return False
    finally:
        other.close()
