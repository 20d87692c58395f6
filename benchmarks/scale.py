"""Territory-scale figures: what serving many territories from one set of workers costs.

On a platform of N territories (copies of the plain Lyon demo database, see
``generate.make_territories``), one gunicorn with the production configuration, except
``PTCC_MAX_REQUESTS=0``: recycling a worker every ~2,000 requests would reset the memory
being measured and mix "new worker" costs into every figure. In order:

1. **one territory**: wrk on the home page of t0001 only; then each worker's RSS;
2. for each larger count but the largest (e.g. 100): a **first round** (wrk with a Lua script
   cycling the ``Host`` header over the first N hosts, which no worker has served yet), then
   the **steady state**: every territory requested ``3 × workers`` times (so that every
   worker served each), then wrk again;
3. **cold first request**: one request to each of a few territories no worker has
   touched yet (engine created, migration state and plugin readiness read), then a
   second request to the same territory (warm);
4. **a new worker's first request**: gunicorn's TTOU/TTIN leave one freshly forked
   worker (from the preloaded master, engines dropped in ``post_fork``); its first request,
   then its second;
5. the largest count (e.g. 1,000), first round then steady state; each worker's RSS, every
   territory served; one territory again, to see whether the machine drifted;
6. a second server with the page cache off (``PTCC_PAGE_CACHE_SECONDS=0``: every request
   renders the page, what a territory costs on the database and engine side): one territory,
   then the steady state of each larger count, then one territory again.

During every wrk run, a sampler reads every 0.2 s which territory databases each worker
holds open (SQLite: the ``.db`` files among ``/proc/<pid>/fd``; PostgreSQL: the worker's TCP
sockets matched to ``pg_stat_activity.client_port``). The most ever seen must stay within
``PTCC_ENGINE_CACHE_SIZE`` per worker, and on PostgreSQL one connection per territory and
worker: a sync worker serves one request at a time, and the pool keeps a second connection
only if one request once held two.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

import load
from sandbox import DATABASE_PREFIX, Sandbox
from server import GunicornServer, fetch

SCALE_PAGE = "/"


@dataclass
class OpenEngines:
    """The most territory databases seen open at once."""

    #: Distinct territory databases one worker held open (SQLite files, or PostgreSQL
    #: databases it had a connection to): bounded by PTCC_ENGINE_CACHE_SIZE.
    most_per_worker: int = 0
    #: PostgreSQL: the most connections one worker held to one territory's database.
    most_connections_per_worker_and_database: int = 0
    #: PostgreSQL: databases with at least one connection of the server's workers.
    most_databases_connected: int = 0
    samples: int = 0


@dataclass
class ScaleRun:
    territories: int
    result: dict
    #: Throughput as a share of the one-territory run's (same server, same page cache).
    share_of_one: float | None
    open_engines: dict
    #: "first round": the run's territories had not been served since the server started
    #: (engines, cached values and kept pages made during the run); "steady": every one of
    #: them served several times by every worker first.
    phase: str = "steady"
    #: Whether the anonymous page cache was on (off: every request renders the page).
    page_cache: bool = True


@dataclass
class ScaleResult:
    page: str
    engine_cache_size: int
    runs: list[ScaleRun] = field(default_factory=list)
    cold_first_ms: list[float] = field(default_factory=list)
    cold_second_ms: list[float] = field(default_factory=list)
    new_worker_first_ms: list[float] = field(default_factory=list)
    new_worker_second_ms: list[float] = field(default_factory=list)
    rss_mib: dict = field(default_factory=dict)
    #: Seconds the warm-up before each steady run took, by territory count.
    warm_up_seconds: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("cold_first_ms", "cold_second_ms", "new_worker_first_ms", "new_worker_second_ms"):
            values = data[key]
            data[key] = {"samples": [round(v, 1) for v in values],
                         "median": round(statistics.median(values), 1) if values else None,
                         "max": round(max(values), 1) if values else None}
        return data


class EngineSampler:
    """Samples open territory databases in a background thread while a run lasts."""

    def __init__(self, server: GunicornServer, sandbox: Sandbox, interval: float = 0.2):
        self.server, self.sandbox, self.interval = server, sandbox, interval
        self.seen = OpenEngines()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._pg = None

    def __enter__(self):
        if self.sandbox.is_postgres:
            url = self.sandbox.postgres_url("x").set(database="postgres")
            self._pg = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        if self._pg is not None:
            self._pg.dispose()

    def _loop(self):
        while not self._stop.is_set():
            try:
                self.sample()
            except Exception:  # a worker gone between listing and reading: next sample
                pass
            self._stop.wait(self.interval)

    def sample(self) -> None:
        pids = self.server.worker_pids()
        if self._pg is None:
            folder = str(self.sandbox.instance / "databases") + "/"
            for pid in pids:
                self.seen.most_per_worker = max(self.seen.most_per_worker, len(open_sqlite_files(pid, folder)))
            self.seen.samples += 1
            return
        with self._pg.connect() as conn:
            by_port = dict(conn.execute(sa.text(
                "SELECT client_port, datname FROM pg_stat_activity WHERE datname LIKE :prefix "
                "AND client_port IS NOT NULL"), {"prefix": DATABASE_PREFIX.replace("_", r"\_") + "%"}).all())
        connected = set()
        for pid in pids:
            databases = Counter(by_port[port] for port in local_tcp_ports(pid) if port in by_port)
            connected.update(databases)
            self.seen.most_per_worker = max(self.seen.most_per_worker, len(databases))
            self.seen.most_connections_per_worker_and_database = max(
                self.seen.most_connections_per_worker_and_database, max(databases.values(), default=0))
        self.seen.most_databases_connected = max(self.seen.most_databases_connected, len(connected))
        self.seen.samples += 1


def local_tcp_ports(pid: int) -> set[int]:
    """Local ports of the TCP sockets a process holds: its fds name socket inodes, and
    /proc/<pid>/net/tcp gives each inode's addresses. PostgreSQL's ``client_port`` of a
    connection is the worker's local port, so this says which worker holds which connection."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def open_sqlite_files(pid: int, folder: str) -> set[str]:
    """The territory database files a process holds open (WAL and shm files not counted)."""
    found = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(folder) and target.endswith(".db"):
            found.add(target)
    return found


def postgres_connection_room(sandbox: Sandbox) -> int:
    """Connections the PostgreSQL server can still accept (others use it too)."""
    url = sandbox.postgres_url("x").set(database="postgres")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            limit = int(conn.execute(sa.text("SHOW max_connections")).scalar())
            reserved = int(conn.execute(sa.text("SHOW superuser_reserved_connections")).scalar())
            used = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity")).scalar()
        return limit - reserved - used
    finally:
        engine.dispose()


def wait_until_idle(server: GunicornServer, quiet: float = 0.5, limit: float = 15) -> None:
    """Until the access log has stopped growing for ``quiet`` seconds. When wrk stops, the
    requests its connections had sent are still queued for the workers (a backlog of about
    ``connections`` minus ``workers``): a request timed then would wait behind them."""
    deadline, size, since = time.monotonic() + limit, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = server.access_log.stat().st_size if server.access_log.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)


def _timed_get(port: int, path: str, host: str) -> float:
    status, _body, seconds = fetch(port, path, host)
    if status != 200:
        raise RuntimeError(f"{host}{path} answered {status}")
    return seconds * 1000


def warm_every_territory(server: GunicornServer, hosts: list[str], connections: int) -> float:
    """Request each territory ``3 × workers`` times, a round over all of them at a time, from
    ``connections`` threads: every worker then very likely served each (gunicorn gives a
    request to whichever worker accepts first). Returns the seconds it took."""
    rounds = 3 * server.workers
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for _ in range(rounds):
            list(pool.map(lambda host: _timed_get(server.port, SCALE_PAGE, host), hosts))
    return time.monotonic() - started


def measure(sandbox: Sandbox, hosts: list[str], counts: list[int], duration: float, log_dir: Path,
            engine_cache_size: int, cold_samples: int = 10, new_worker_samples: int = 3,
            connections: int = 4, log=print, page_cache_off: bool = True,
            extra_env: dict | None = None) -> ScaleResult:
    counts = sorted(set(counts))
    result = ScaleResult(page=SCALE_PAGE, engine_cache_size=engine_cache_size)
    env = sandbox.server_env(PTCC_MAX_REQUESTS="0", PTCC_ENGINE_CACHE_SIZE=str(engine_cache_size),
                             **(extra_env or {}))
    with GunicornServer(env, log_dir, name="scale") as server:
        runs = _Runs(server, sandbox, result, hosts, duration, engine_cache_size, connections, log, page_cache=True)
        runs.one()
        result.rss_mib[f"after {counts[0]} territory"] = server.rss()
        for count in counts[1:-1]:
            runs.first_round_then_steady(count)
            result.rss_mib[f"after the runs over {count} territories"] = server.rss()

        # Territories no worker has served yet: the last hosts, beyond every run so far.
        touched = counts[-2] if len(counts) > 1 else counts[0]
        untouched = hosts[max(touched, len(hosts) - cold_samples):]
        log(f"first requests to {len(untouched[:cold_samples])} territories never served")
        wait_until_idle(server)
        for host in untouched[:cold_samples]:
            result.cold_first_ms.append(_timed_get(server.port, SCALE_PAGE, host))
            result.cold_second_ms.append(_timed_get(server.port, SCALE_PAGE, host))

        log(f"first requests of {new_worker_samples} new worker(s)")
        for _ in range(new_worker_samples):
            server.replace_workers_with_one_new()
            result.new_worker_first_ms.append(_timed_get(server.port, SCALE_PAGE, hosts[0]))
            result.new_worker_second_ms.append(_timed_get(server.port, SCALE_PAGE, hosts[0]))
            server.restore_workers()
        # The restored worker is new too: warm it on the first territory before the last runs.
        for _ in range(4 * server.workers):
            _timed_get(server.port, SCALE_PAGE, hosts[0])

        if len(counts) > 1:
            runs.first_round_then_steady(counts[-1])
            result.rss_mib[f"after {counts[-1]} territories, every one served"] = server.rss()
            for count in counts[1:-1]:  # the same territories, now late in the workers' life
                runs.steady(count, again=True)
            runs.one(again=True)
        logged = server.errors_logged()
        if logged:
            result.failures.append(f"scale server logged errors: {logged[:3]}")
        log("stopping the territory server")

    if page_cache_off and len(counts) > 1:
        # What a territory costs when its page is rendered: the database and engine side.
        env = {**env, "PTCC_PAGE_CACHE_SECONDS": "0"}
        with GunicornServer(env, log_dir, name="scale-rendered") as server:
            runs = _Runs(server, sandbox, result, hosts, duration, engine_cache_size, connections, log,
                         page_cache=False)
            runs.one()
            for count in counts[1:]:
                runs.steady(count)
            runs.one(again=True)
            logged = server.errors_logged()
            if logged:
                result.failures.append(f"scale server (page cache off) logged errors: {logged[:3]}")
    return result


class _Runs:
    """The wrk runs of one server, each checked against the engine bounds."""

    def __init__(self, server, sandbox, result, hosts, duration, cache_size, connections, log, page_cache):
        self.server, self.sandbox, self.result, self.hosts = server, sandbox, result, hosts
        self.duration, self.cache_size, self.connections, self.log = duration, cache_size, connections, log
        self.page_cache = page_cache
        self.baseline: float | None = None

    def one(self, again: bool = False) -> None:
        for _ in range(4 * self.server.workers):  # both workers warm on the first territory
            _timed_get(self.server.port, SCALE_PAGE, self.hosts[0])
        if not again:
            # A worker's first thousands of requests are slower (pages shared with the master
            # are copied at their first write): without this, the baseline was measured early
            # and every later run, whatever its territories, looked faster than one territory.
            self.log("warming the workers on one territory")
            load.run("warm-up", self.server.port, SCALE_PAGE, self.hosts[0], self.duration,
                     connections=self.connections)
        self._wrk(1, "steady (again)" if again else "steady")

    def first_round_then_steady(self, count: int) -> None:
        self._wrk(count, "first round")
        # A run that did not reach every territory (round-robin: the first `requests` hosts)
        # leaves the others for the warm-up, so that the memory reading covers them all.
        self.steady(count)

    def steady(self, count: int, again: bool = False) -> None:
        wait_until_idle(self.server)
        if not again:
            self.log(f"warming {count} territories on every worker")
            seconds = warm_every_territory(self.server, self.hosts[:count], self.connections)
            self.result.warm_up_seconds[f"{count}{'' if self.page_cache else ' (page cache off)'}"] = round(seconds, 1)
        self._wrk(count, "steady (again)" if again else "steady")

    def _wrk(self, count: int, phase: str) -> None:
        targets = self.hosts[0] if count == 1 else self.hosts[:count]
        cache = "" if self.page_cache else ", page cache off"
        self.log(f"wrk {SCALE_PAGE} over {count} territor{'y' if count == 1 else 'ies'} ({phase}{cache})")
        with EngineSampler(self.server, self.sandbox) as sampler:
            run = load.run(f"{count} territories", self.server.port, SCALE_PAGE, targets, self.duration,
                           connections=self.connections)
            sampler.sample()
        if count == 1 and phase == "steady":
            self.baseline = run.rps
        share = run.rps / self.baseline if self.baseline else None
        self.result.runs.append(ScaleRun(count, run.as_dict(), share, asdict(sampler.seen), phase, self.page_cache))
        # A kept page opens no connection (ptcc.version_mirror), and behind PgBouncer a worker's
        # connections are PgBouncer's, not the server's: seeing none there is no sampling fault.
        expect_open = not self.page_cache and not self.sandbox.pgbouncer_url
        check_bounds(self.result, count, sampler.seen, self.cache_size, self.server.workers, self.sandbox.is_postgres,
                     expect_open=expect_open)
        if run.errors:
            self.result.failures.append(f"{count} territories ({phase}{cache}): {run.errors} errors "
                                        f"({run.non2xx_by_status}, {run.socket_errors})")


def check_bounds(result: ScaleResult, count: int, seen: OpenEngines, cache_size: int, workers: int,
                 postgres: bool, expect_open: bool = True) -> None:
    """The invariants on open engines and connections (never on speed)."""
    if seen.most_per_worker > cache_size:
        result.failures.append(f"{count} territories: a worker held {seen.most_per_worker} territory databases "
                               f"open, PTCC_ENGINE_CACHE_SIZE is {cache_size}")
    if postgres and seen.most_connections_per_worker_and_database > 1:
        result.failures.append(f"{count} territories: a worker held {seen.most_connections_per_worker_and_database} "
                               "connections to one territory's database (a sync worker serves one request at a "
                               "time: one request took more than one connection)")
    if seen.samples < 2 or (expect_open and count > 1 and seen.most_per_worker == 0):
        result.failures.append(f"{count} territories: open engines were not sampled")
