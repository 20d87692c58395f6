"""The PTCC benchmark: pages under wrk, SQL statements per page, the cost of many territories.

    .venv/bin/python benchmarks/run_bench.py                 # full run, SQLite: REPORT.md and report.json
    .venv/bin/python benchmarks/run_bench.py --ci            # small data, short runs, invariants only
    .venv/bin/python benchmarks/run_bench.py \\
        --database-url 'postgresql+psycopg://postgres@127.0.0.1:5432/ptcc_bench_{tenant}'

Everything happens in a temporary folder (deleted at the end, unless ``--keep``): the demo
territories built by ``ptcc demo``, Lyon enlarged by ``generate.py``, a copy of Lyon with
little data, and a platform of many territories for ``scale.py``. Servers listen on
127.0.0.1 only and are stopped whatever happens; PostgreSQL databases (``ptcc_bench_*``) are
dropped at the end.

Exit status 1 when a page answers anything but 2xx, or an invariant fails: SQL statements
per page grow with the data, more engines open than ``PTCC_ENGINE_CACHE_SIZE``, more than one
connection per territory and request. Speed is never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import load  # noqa: E402
import machine  # noqa: E402
import queries  # noqa: E402
import report  # noqa: E402
import pgbouncer  # noqa: E402
import scale  # noqa: E402
from pages import Page, measured_mission_id, measured_pages  # noqa: E402

PAGE_CACHE_HEADER = "PTCC-Page-Cache"  # ptcc.web.page_cache.HEADER
from sandbox import Sandbox, SandboxError, check_database_template  # noqa: E402
from server import GunicornServer, fetch, fetch_headers  # noqa: E402
from signin import session_cookie_header  # noqa: E402

#: Full run and CI run defaults; every one can be changed on the command line. The small data
#: set stays shorter than one page of a list (PTCC_PER_PAGE, 20, with the demo's 7 organisations
#: and 6 missions): a query per card then shows as a count that grows; with two sets that both
#: fill a page, it would not.
PROFILES = {
    "full": {"organisations": 2000, "missions": 2000, "small": 5, "duration": 10, "warmup": 2,
             "scale_duration": 10, "territories": "1,100,1000", "engine_cache_size": 32, "profile": 3,
             "cold_samples": 10, "new_worker_samples": 3},
    "ci": {"organisations": 500, "missions": 500, "small": 5, "duration": 2, "warmup": 1,
           "scale_duration": 2, "territories": "1,20", "engine_cache_size": 8, "profile": 0,
           "cold_samples": 5, "new_worker_samples": 1},
}
#: PostgreSQL: a database per territory weighs ~7.5 MB and takes ~0.1 s to copy: 1,000 only when asked.
POSTGRES_TERRITORIES = "1,100"
#: Connections left to the other users of the PostgreSQL server, whatever the benchmark needs.
POSTGRES_SPARE_CONNECTIONS = 15


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--ci", action="store_true", help="small data, short runs (CI: checks, no figures)")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL template with {tenant}; the database name must start with ptcc_bench_")
    parser.add_argument("--organisations", type=int, help="organisations added to Lyon")
    parser.add_argument("--missions", type=int, help="missions added to Lyon")
    parser.add_argument("--small", type=int, help="organisations and missions added to the small data set "
                        "(keep it under one page of a list)")
    # wrk takes whole seconds.
    parser.add_argument("--duration", type=int, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, help="seconds of wrk before each page's measured run (0: none)")
    parser.add_argument("--scale-duration", type=int, help="seconds of wrk per territory count")
    parser.add_argument("--territories", help="territory counts, comma-separated, e.g. 1,100,1000")
    parser.add_argument("--engine-cache-size", type=int, help="PTCC_ENGINE_CACHE_SIZE of the territory runs")
    parser.add_argument("--redis-url", default="",
                        help="serve the pages and territories with PTCC_REDIS_URL (page cache, cached values, limits "
                             "and a server database's data version in Redis)")
    parser.add_argument("--connections", type=int, default=16,
                        help="wrk connections (16: the concurrency of the targets, 8 per worker)")
    parser.add_argument("--profile", type=int, help="profile the N slowest pages in-process (0: none)")
    parser.add_argument("--cold-samples", type=int, help="territories requested cold, one request each")
    parser.add_argument("--new-worker-samples", type=int, help="new workers whose first request is timed")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, help="folder of REPORT.md and report.json "
                        "(default: benchmarks/; with --ci, a temporary folder, printed)")
    parser.add_argument("--skip-scale", action="store_true", help="no territory-scale runs")
    parser.add_argument("--pgbouncer", nargs="?", const="null", choices=("null", "queue"),
                        help="PostgreSQL: serve through a PgBouncer started for the run (transaction pooling; "
                        "benchmarks/pgbouncer.py); the value is PTCC_PGBOUNCER_POOL (default null)")
    parser.add_argument("--skip-pages", action="store_true",
                        help="only the territory-scale runs: no page runs, no statement counts (report.json only)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    args = parser.parse_args(argv)
    defaults = dict(PROFILES["ci" if args.ci else "full"])
    if args.database_url and not args.ci:
        defaults["territories"] = POSTGRES_TERRITORIES
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.territory_counts = sorted({int(n) for n in str(args.territories).split(",") if n.strip()})
    return args


def command_line(argv) -> str:
    python = os.path.relpath(sys.executable) if not sys.executable.startswith("/usr") else sys.executable
    script = os.path.relpath(__file__)
    return shlex.join([python, script, *argv])


# --- the steps ---------------------------------------------------------------------------------


def build_data(pages_box: Sandbox, args, log) -> dict:
    log("building the demo territories (ptcc demo)")
    generate.build_demo(pages_box)
    # Copies of plain Lyon, before it grows: the small data set, and the many territories' template.
    lyon = tomllib.loads((pages_box.tenants / "lyon" / "tenant.toml").read_text("utf-8"))
    pages_box.write_tenant("lyon-small", {**lyon, "name": "Lyon (petites données)", "hosts": ["lyon-small.localhost"]})
    pages_box.copy_database("lyon", ["lyon-small", "scale-template"])
    pages_box.note_created("lyon-small")
    pages_box.note_created("scale-template")
    log(f"enlarging lyon: {args.organisations} organisations, {args.missions} missions; "
        f"lyon-small: {args.small} of each")
    large = generate.enlarge(pages_box, "lyon", args.organisations, args.missions, args.seed)
    small = generate.enlarge(pages_box, "lyon-small", args.small, args.small, args.seed)
    return {"large": asdict(large), "small": asdict(small)}


def count_statements(pages_box: Sandbox, page_list, args, results: dict, log) -> None:
    log("counting SQL statements per page (in-process, small and large data sets)")
    counted = [page for page in page_list if page.counted]
    small = queries.count_pages(pages_box, "lyon-small.localhost", counted, generate.DASHBOARD_EMAIL)
    large = queries.count_pages(pages_box, "lyon.localhost", counted, generate.DASHBOARD_EMAIL)
    results["queries"] = {"small": [c.as_dict() for c in small], "large": [c.as_dict() for c in large],
                          "repeated_statements": []}
    grown = queries.growth(small, large)
    for before, after in grown:
        results["failures"].append(
            f"SQL statements grow with the data: {after.page} ({after.path}, "
            f"{'signed in' if after.signed_in else 'signed out'}): {before.statements} statements on the small "
            f"data set, {after.statements} on the large one")
    for count in small + large:
        expected = (302,) if count.page == "dashboard" and not count.signed_in else (200,)
        if count.status not in expected:
            results["failures"].append(f"in-process {count.page} ({count.path}, "
                                       f"{'signed in' if count.signed_in else 'signed out'}) answered {count.status}")
        if count.connections_at_once > 1:
            results["failures"].append(f"{count.page}: {count.connections_at_once} connections at once in one request")
    by_name = {page.name: page for page in page_list}
    explained = set()
    for _before, after in grown:
        name = after.page
        if name in explained:  # signed out and signed in repeat the same statements
            continue
        explained.add(name)
        statements = queries.statements_of(pages_box, "lyon.localhost", by_name[name], generate.DASHBOARD_EMAIL,
                                           after.signed_in)
        repeated = [(n, sql) for sql, n in Counter(" ".join(s.split())[:160] for s in statements).items() if n > 1]
        if repeated:
            results["queries"]["repeated_statements"].append(
                f"Statements repeated in one request of {name} on the large data set: " +
                "; ".join(f"{n} × `{sql}…`" for n, sql in repeated))
    # Objective signs of pages whose work grows with the data, without being failures.
    small_by = {(c.page, c.signed_in): c for c in small}
    for c in large:
        before = small_by.get((c.page, c.signed_in))
        # 3×: the small set is shorter than a page, so a full page alone is larger; a list whose
        # page grows with every row (a <select> of every organisation) goes far beyond.
        if not c.signed_in and before and before.bytes and c.bytes > 3 * before.bytes and c.page not in (
                "missions.csv", "missions.json"):
            results["observations"].append(
                f"{c.page} ({c.path}): the response grows with the data, {before.bytes / 1024:.1f} KiB → "
                f"{c.bytes / 1024:.1f} KiB, {before.in_process_ms:.1f} → {c.in_process_ms:.1f} ms in-process")
    if args.profile:
        slowest = sorted((c for c in large if c.page != "healthz" and not c.signed_in),
                         key=lambda c: c.in_process_ms, reverse=True)[:args.profile]
        log(f"profiling {', '.join(c.page for c in slowest)}")
        results["profiles"] = {
            f"{c.page} ({c.path}), {c.in_process_ms:.0f} ms": queries.profile_page(
                pages_box, "lyon.localhost", by_name[c.page], generate.DASHBOARD_EMAIL)
            for c in slowest}


def run_pages(pages_box: Sandbox, page_list, args, logs: Path, results: dict, log) -> None:
    host = "lyon.localhost"
    with GunicornServer(pages_box.server_env(**redis_env(args)), logs, name="pages") as server:
        log(f"gunicorn on 127.0.0.1:{server.port}, workers {server.worker_pids()}")
        cookie = session_cookie_header(server.port, host, generate.DASHBOARD_EMAIL)
        sizes = {}
        for page in page_list:
            status, body, _seconds = fetch(server.port, page.path, host, page_headers(page, cookie))
            sizes[page.name] = len(body)
            if not 200 <= status < 300:
                results["failures"].append(f"{page.name} ({page.path}) answered {status} before the load")
        runs, healthz = [], []
        for page in page_list + [page_list[0]]:  # /healthz again at the end
            log(f"wrk {page.path} {dict(page.headers) or ''}".rstrip())
            bodies = sizes[page.name] <= LARGE_BODY
            kwargs = {"cookie": cookie if page.signed_in else "", "connections": args.connections,
                      "headers": dict(page.headers), "bodies": bodies}
            if args.warmup:  # varied paths: the warm-up takes them from the end, the run from the start
                load.run(page.name, server.port, page.path, host, args.warmup,
                         paths=list(reversed(page.paths)) or None, **kwargs)
            boots = server.boots()
            run = load.run(page.name, server.port, page.path, host, args.duration, paths=list(page.paths) or None,
                           **kwargs)
            run.worker_restarts = server.boots() - boots
            run.page_cache = page_cache_state(server.port, page, host, cookie)
            (healthz if page.name == "healthz" else runs).append(run)
            if not bodies:  # the answers were not read: check they were the page, not a redirect
                status, body, _seconds = fetch(server.port, page.path, host, page_headers(page, cookie))
                if not 200 <= status < 300 or run.bytes_per_response < 0.95 * sizes[page.name]:
                    results["failures"].append(
                        f"{page.name} ({page.path}): {run.bytes_per_response:.0f} bytes per answer under load "
                        f"for {sizes[page.name]} before, {status} after")
            if run.errors:
                results["failures"].append(f"{page.name} ({page.path}): {run.errors} errors under load "
                                           f"({run.non2xx_by_status or ''} {run.socket_errors or ''})".rstrip())
        results["healthz_runs"] = [run.rps for run in healthz]
        results["healthz_rps"] = statistics.mean(results["healthz_runs"])
        for run in runs:
            run.healthz_share = run.rps / results["healthz_rps"] if results["healthz_rps"] else None
        for run in healthz:
            run.healthz_share = run.rps / results["healthz_rps"]
        healthz[-1].name = "healthz (again)"
        results["pages"] = [run.as_dict() for run in [healthz[0]] + runs + [healthz[-1]]]
        results["page_server_rss_mib"] = server.rss()
        logged = server.errors_logged()
        if logged:
            results["failures"].append(f"the page server logged errors, e.g. {logged[0]}")


#: Answers larger than this (the datasets) are not handed to wrk's script under load: copying
#: each into Lua cost wrk more than serving it cost the server (bytes and statuses still checked).
LARGE_BODY = 64 * 1024


def page_headers(page: Page, cookie: str) -> dict[str, str]:
    return {**dict(page.headers), **({"Cookie": cookie} if page.signed_in else {})}


def redis_env(args) -> dict[str, str]:
    """With ``--redis-url``: the page servers keep pages, cached values and limits in Redis,
    under a prefix of this run's own (deleted at the end)."""
    if not args.redis_url:
        return {}
    return {"PTCC_REDIS_URL": args.redis_url, "PTCC_CACHE_PREFIX": f"ptcc-bench-{os.getpid()}:",
            "PTCC_RATELIMIT_KEY_PREFIX": f"ptcc-bench-{os.getpid()}"}


def forget_redis_keys(args) -> None:
    if not args.redis_url:
        return
    import redis

    client = redis.Redis.from_url(args.redis_url)
    for pattern in (f"ptcc-bench-{os.getpid()}:*", f"*ptcc-bench-{os.getpid()}*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)


def page_cache_state(port: int, page: Page, host: str, cookie: str) -> str:
    """How the page was served under load: "hit" when the page cache answers it, "varied" when
    each request asked another path (rendered every time), "" when it is never kept."""
    if page.paths:
        return "varied"
    headers = {"Cookie": cookie} if page.signed_in else None
    state = fetch_headers(port, page.path, host, headers).get(PAGE_CACHE_HEADER.lower(), "")
    return "hit" if state == "hit" else ""


def run_pages_without_cache(pages_box: Sandbox, page_list, args, logs: Path, results: dict, log) -> None:
    """The anonymous pages the cache keeps, again on a server that renders every request: what
    the cache pays, in the same conditions."""
    kept = [run for run in results.get("pages", []) if run.get("page_cache") == "hit"]
    if not kept:
        return
    by_name = {page.name: page for page in page_list}
    host = "lyon.localhost"
    runs = []
    with GunicornServer(pages_box.server_env(PTCC_PAGE_CACHE_SECONDS="0", **redis_env(args)), logs,
                        name="pages-uncached") as server:
        for measured in kept:
            page = by_name[measured["name"]]
            log(f"wrk {page.path} (page cache off)")
            if args.warmup:
                load.run(page.name, server.port, page.path, host, args.warmup, connections=args.connections)
            run = load.run(page.name, server.port, page.path, host, args.duration, connections=args.connections)
            run.healthz_share = run.rps / results["healthz_rps"] if results.get("healthz_rps") else None
            runs.append(run.as_dict())
            if run.errors:
                results["failures"].append(f"{page.name} ({page.path}), page cache off: {run.errors} errors")
    results["pages_uncached"] = runs


def run_scale(pages_box: Sandbox, scale_box: Sandbox, args, logs: Path, results: dict, log) -> None:
    cache = args.engine_cache_size
    if scale_box.is_postgres and not scale_box.pgbouncer_url:  # behind PgBouncer: its max_user_connections
        # Each worker keeps a connection per cached territory: leave room for the server's other users.
        room = scale.postgres_connection_room(scale_box) - POSTGRES_SPARE_CONNECTIONS
        if room < 2 * cache:
            cache = max(2, room // 2)
            results["observations"].append(f"PostgreSQL has room for {room} more connections only: "
                                           f"PTCC_ENGINE_CACHE_SIZE lowered to {cache} for the territory runs")
        if cache < 2:
            results["failures"].append("PostgreSQL has no room for the territory runs' connections")
            return
    template = "scale-template" if scale_box.is_postgres else pages_box.sqlite_path("scale-template")
    started = time.perf_counter()
    hosts = generate.make_territories(scale_box, template, max(args.territory_counts))
    made = time.perf_counter() - started
    log(f"{len(hosts)} territories made in {made:.1f} s; territory runs")
    outcome = scale.measure(scale_box, hosts, args.territory_counts, args.scale_duration, logs, cache,
                            cold_samples=args.cold_samples, new_worker_samples=args.new_worker_samples,
                            connections=args.connections, log=log, extra_env=redis_env(args))
    results["scale"] = outcome.as_dict()
    results["scale"]["territories_made_seconds"] = round(made, 1)
    results["failures"] += outcome.failures
    largest = max(args.territory_counts)
    if args.profile and largest > cache:
        log(f"profiling {scale.SCALE_PAGE} in-process, round-robin over {largest} territories, cache {cache}")
        requests = 100
        results.setdefault("profiles", {})[
            f"{scale.SCALE_PAGE} round-robin over {largest} territories, PTCC_ENGINE_CACHE_SIZE={cache} "
            f"(every request opens an engine)"] = queries.profile_page(
                scale_box, hosts[:largest], Page("home", scale.SCALE_PAGE), generate.DASHBOARD_EMAIL,
                requests=requests, top=16, PTCC_ENGINE_CACHE_SIZE=cache)


# --- the whole run ---------------------------------------------------------------------------------


def _exit_on_sigterm(signum, _frame):
    # A CI job's timeout sends SIGTERM: leave through the `finally` blocks, which stop the
    # servers and drop the databases.
    raise SystemExit(128 + signum)


def main(argv=None) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        check_database_template(args.database_url)
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.pgbouncer and (not args.database_url or pgbouncer.available()):
        print(f"error: --pgbouncer needs --database-url (PostgreSQL) and PgBouncer: "
              f"{pgbouncer.available() or 'no --database-url'}", file=sys.stderr)
        return 2
    if not Path(load.WRK).exists():
        print("error: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)

    results = {"command": command_line(argv), "machine": machine.describe(args.database_url),
               "failures": [], "observations": [], "dashboard_email": generate.DASHBOARD_EMAIL,
               "settings": {"ci": args.ci, "database_url": args.database_url, "organisations": args.organisations,
                            "missions": args.missions, "small": args.small, "duration": args.duration,
                            "warmup": args.warmup, "scale_duration": args.scale_duration,
                            "territories": args.territory_counts, "connections": args.connections,
                            "workers": 2, "seed": args.seed, "engine_cache_size": args.engine_cache_size,
                            "redis": bool(args.redis_url)}}
    root = Path(tempfile.mkdtemp(prefix="ptcc-bench-"))
    logs = root / "logs"
    pages_box = Sandbox(root / "pages", args.database_url)
    scale_box = Sandbox(root / "scale", args.database_url)
    bouncer = None
    try:
        results["data"] = build_data(pages_box, args, log)
        page_list = measured_pages(measured_mission_id(pages_box.app(), "lyon"))
        pages_box.forget_app()
        if args.pgbouncer:  # the data is built on the server directly; everything served through PgBouncer
            bouncer = pgbouncer.start(pages_box, root / "pgbouncer", POSTGRES_SPARE_CONNECTIONS, args.pgbouncer, log)
            results["settings"]["pgbouncer"] = {**bouncer.settings(), "ptcc_pgbouncer_pool": args.pgbouncer}
            for box in (pages_box, scale_box):
                box.use_pgbouncer(bouncer, args.pgbouncer)
        if not args.skip_pages:
            count_statements(pages_box, page_list, args, results, log)
            run_pages(pages_box, page_list, args, logs, results, log)
            if not args.ci:
                run_pages_without_cache(pages_box, page_list, args, logs, results, log)
        if not args.skip_scale:
            run_scale(pages_box, scale_box, args, logs, results, log)
    except Exception as exc:
        results["failures"].append(f"the benchmark stopped: {type(exc).__name__}: {exc}")
        import traceback

        traceback.print_exc()
    finally:
        try:
            forget_redis_keys(args)
        except Exception as exc:
            results["observations"].append(f"the run's Redis keys were not deleted: {exc}")
        if bouncer is not None:
            results["failures"] += [f"PgBouncer logged: {line}" for line in bouncer.errors_logged()[:5]]
            bouncer.stop()
        if args.database_url:
            log("dropping the benchmark's PostgreSQL databases")
        for box in (pages_box, scale_box):
            try:
                box.drop_databases()
            except Exception as exc:  # reported, and the other sandbox is still cleaned
                results["failures"].append(f"could not drop the PostgreSQL databases: {exc}")
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    results["seconds"] = time.perf_counter() - started
    results["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    output = args.output or (Path(tempfile.gettempdir()) / "ptcc-bench-ci" if args.ci else HERE)
    if "pages" in results and "queries" in results:
        markdown, data = report.write(results, output)
        log(f"wrote {markdown} and {data}")
    elif args.skip_pages and "scale" in results:  # REPORT.md needs the pages: the data alone
        output.mkdir(parents=True, exist_ok=True)
        (output / "report.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"wrote {output / 'report.json'}")
    else:
        log("no report: the benchmark stopped before its measurements")
    for failure in results["failures"]:
        print(f"FAILED: {failure}")
    for note in results["observations"]:
        print(f"note: {note}")
    print("benchmark " + ("failed" if results["failures"] else "passed") + f" in {results['seconds']:.0f} s")
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
