"""SQL statements and database connections per request, counted in-process with Flask's test client.

No server and no network: the application is created on the sandbox and every page is
requested through the test client, once to warm up (engine opened, migration state and
plugin readiness checked and remembered, templates compiled), then counted:

* **statements**: SQLAlchemy's ``before_cursor_execute`` on every engine, minus the
  ``BEGIN`` that ptcc emits itself on SQLite (PostgreSQL's is implicit), so that both
  backends count alike;
* **connections at once**: the most connections checked out of the pools at the same time
  during the request (pool ``checkout``/``checkin``); one per territory and request is the rule;
* **checkouts**: how many times the request took a connection from a pool.

``profile_page`` runs cProfile over a few requests of one page, to show where its time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from pages import Page
from signin import sign_in_test_client


@dataclass
class PageCount:
    page: str
    path: str
    signed_in: bool
    status: int
    statements: int
    connections_at_once: int
    checkouts: int
    #: Size of the response body.
    bytes: int
    #: Median time in this process (no server, no network), milliseconds.
    in_process_ms: float

    def as_dict(self) -> dict:
        return asdict(self)


class Counter:
    """Counts statements and pool checkouts between ``start()`` and ``stop()``."""

    def __init__(self):
        self.active = False
        self.statements = 0
        self.checkouts = 0
        self.out = 0
        self.most_out = 0
        self.texts: list[str] = []

    def start(self):
        self.active, self.statements, self.checkouts, self.most_out, self.texts = True, 0, 0, self.out, []

    def stop(self):
        self.active = False

    def on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and statement.strip().upper() != "BEGIN":
            self.statements += 1
            self.texts.append(statement)

    def on_checkout(self, dbapi_connection, record, proxy):
        self.out += 1
        if self.active:
            self.checkouts += 1
            self.most_out = max(self.most_out, self.out)

    def on_checkin(self, dbapi_connection, record):
        self.out = max(self.out - 1, 0)


@contextmanager
def counting():
    """Listeners on every Engine and Pool of the process, removed afterwards."""
    counter = Counter()
    listeners = [(sa.engine.Engine, "before_cursor_execute", counter.on_execute),
                 (sa.pool.Pool, "checkout", counter.on_checkout),
                 (sa.pool.Pool, "checkin", counter.on_checkin)]
    for target, name, fn in listeners:
        sa.event.listen(target, name, fn)
    try:
        yield counter
    finally:
        for target, name, fn in listeners:
            sa.event.remove(target, name, fn)


#: Statements, connections and profiles are those of rendering a page: without the anonymous
#: page cache, which would answer every warm request with one statement.
RENDERING = {"PTCC_PAGE_CACHE_SECONDS": 0}


def _get(client, host: str, path: str):
    response = client.get(path, base_url=f"http://{host}")
    response.get_data()  # streamed bodies are produced here, inside the count
    return response


def count_pages(sandbox, host: str, pages: list[Page], email: str, repeat: int = 5) -> list[PageCount]:
    """Every page on ``host``, signed out and signed in: statements and connections of one warm
    request, median time of ``repeat`` more.

    A fresh application per call: nothing is cached from another data set's pass.
    """
    app = sandbox.app(fresh=True, **RENDERING)
    anonymous, member = app.test_client(), app.test_client()
    results = []
    try:
        with counting() as counter:
            sign_in_test_client(member, host, email)
            for page in pages:
                for signed_in, client in ((False, anonymous), (True, member)):
                    _get(client, host, page.path)  # warm-up: this page's templates and queries compiled
                    counter.start()
                    response = _get(client, host, page.path)
                    counter.stop()
                    timings = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        _get(client, host, page.path)
                        timings.append((time.perf_counter() - started) * 1000)
                    results.append(PageCount(page.name, page.path, signed_in, response.status_code,
                                             counter.statements, counter.most_out, counter.checkouts,
                                             len(response.get_data()), statistics.median(timings)))
    finally:
        app.extensions["ptcc"].engines.dispose_all()
    return results


def statements_of(sandbox, host: str, page: Page, email: str, signed_in: bool) -> list[str]:
    """The SQL text of one warm request of ``page`` (to see what repeats when a count grows)."""
    app = sandbox.app(fresh=True, **RENDERING)
    client = app.test_client()
    try:
        if signed_in:
            sign_in_test_client(client, host, email)
        _get(client, host, page.path)
        with counting() as counter:
            counter.start()
            _get(client, host, page.path)
            counter.stop()
        return counter.texts
    finally:
        app.extensions["ptcc"].engines.dispose_all()


def profile_page(sandbox, hosts: str | list[str], page: Page, email: str, requests: int = 5, top: int = 12,
                 **overrides) -> str:
    """cProfile over ``requests`` requests of a page: the functions with the most cumulative time.

    With a list of hosts, the requests go to each in turn (after one warm-up request to the
    first): with more hosts than ``PTCC_ENGINE_CACHE_SIZE``, this shows what a request that
    opens an engine spends its time on.
    """
    hosts = [hosts] if isinstance(hosts, str) else list(hosts)
    app = sandbox.app(fresh=True, **{**RENDERING, **overrides})
    client = app.test_client()
    try:
        if page.signed_in:
            sign_in_test_client(client, hosts[0], email)
        _get(client, hosts[0], page.path)
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(requests):
            _get(client, hosts[n % len(hosts)], page.path)
        profiler.disable()
    finally:
        app.extensions["ptcc"].engines.dispose_all()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(PROFILED, top)
    return _trim_stats(out.getvalue(), requests)


#: What the profiles show: the application, and the library frames that say where its time goes
#: (rendering, loading rows, compiling SQL, opening engines).
PROFILED = (r"(ptcc|plugins|sqlalchemy/orm/(loading|strategies)|sqlalchemy/sql/compiler.py:\d+\(__init__\)"
            r"|sqlalchemy/engine/create|jinja2/environment)")


def _trim_stats(text: str, requests: int) -> str:
    """Keep the table of pstats' output, with a line saying how many requests it covers."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
    header = next((line.strip() for line in lines if "function calls" in line), "")
    body = [line.rstrip() for line in lines[start:] if line.strip()]
    root = str(sa.__file__).rsplit("/sqlalchemy/", 1)[0] + "/"
    body = [line.replace(root, "") for line in body]
    return f"{requests} requests; {header}\n" + "\n".join(body)


def growth(small: list[PageCount], large: list[PageCount]) -> list[tuple[PageCount, PageCount]]:
    """(small, large) pairs whose statement count is higher on the larger data set: the
    invariant's failures."""
    by_key = {(count.page, count.signed_in): count for count in small}
    return [(by_key[(count.page, count.signed_in)], count) for count in large
            if (count.page, count.signed_in) in by_key
            and count.statements > by_key[(count.page, count.signed_in)].statements]
