"""Requests per second, latency and memory of PTCC serving many territories.

    .venv/bin/python benchmarks/bench_requests.py [--territories 50] [--requests 2000]

Builds a throw-away platform in a temporary folder (SQLite, or PostgreSQL with
``--database-url 'postgresql+psycopg://postgres@127.0.0.1/ptcc_bench_{tenant}'``),
creates N territories, migrates each one, then, for each scenario:

* **unbounded cache**: the engine cache holds every territory (the steady state of a
  platform whose territories fit in ``PTCC_ENGINE_CACHE_SIZE``);
* **bounded cache**: ``PTCC_ENGINE_CACHE_SIZE=16`` (``--bounded``) while requests visit all
  N territories round-robin, the worst case for an LRU cache: every request opens an
  engine and closes the least recently used one.

It reports requests per second and p50/p95 latency of the given pages (home page and
organisation directory by default) requested round-robin across territories with Flask's
test client (no network, no server: this measures the application), the most engines
ever open at once (must stay at or below the bound), and memory: Python allocations
traced by ``tracemalloc`` during a second, traced pass, and the process's peak RSS.

Timings depend on the machine; compare runs on the same one. Nothing here is asserted
by the test suite. Exit code 1 when a page does not answer 200 or the bound is exceeded.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import tomli_w

DEFAULT_PATHS = ("/", "/organisations/")


def write_territories(root: Path, count: int) -> list[tuple[str, str]]:
    """N tenant.toml files; returns (slug, host) pairs."""
    pairs = []
    for n in range(1, count + 1):
        slug, host = f"t{n:03d}", f"t{n:03d}.bench"
        folder = root / slug
        folder.mkdir(parents=True)
        content = {"name": f"Territoire {n:03d}", "hosts": [host], "default_locale": "fr",
                   "locales": ["fr", "en"], "timezone": "Europe/Paris", "plugins": []}
        (folder / "tenant.toml").write_text(tomli_w.dumps(content), encoding="utf-8")
        pairs.append((slug, host))
    return pairs


def build_app(tmp: Path, database_url: str, cache_size: int):
    from ptcc.app import create_app

    return create_app({
        "SECRET_KEY": "bench",
        "PTCC_TENANTS_PATH": str(tmp / "tenants"),
        "PTCC_INSTANCE_PATH": str(tmp / "instance"),
        "PTCC_DATABASE_URL": database_url,
        "PTCC_ENGINE_CACHE_SIZE": cache_size,
        "PTCC_MAIL_BACKEND": "file",
    })


def prepare_databases(app, schema: str) -> float:
    """Create and migrate (or create_all) every territory; returns seconds spent."""
    from ptcc import migrate
    from ptcc.extensions import db

    state = app.extensions["ptcc"]
    started = time.perf_counter()
    with app.app_context():
        for tenant in state.registry:
            state.engines.drop_database(tenant)
            if schema == "create_all":
                migrate.import_all_models()
                state.engines.ensure_database(tenant)
                db.metadata.create_all(state.engines.get(tenant))
            else:
                migrate.upgrade(tenant)
        state.engines.dispose_all()
    return time.perf_counter() - started


def drop_databases(app) -> None:
    state = app.extensions["ptcc"]
    with app.app_context():
        state.engines.dispose_all()
        for tenant in state.registry:
            state.engines.drop_database(tenant)


def run_requests(app, hosts: list[str], paths: tuple[str, ...], total: int):
    """Round-robin over territories and pages. Returns (latencies in s, errors, max open engines)."""
    engines = app.extensions["ptcc"].engines
    client = app.test_client()
    latencies, errors, max_open = [], [], 0
    for i in range(total):
        host = hosts[i % len(hosts)]
        path = paths[(i // len(hosts)) % len(paths)]
        started = time.perf_counter()
        response = client.get(path, headers={"Host": host})
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(f"{host}{path}: {response.status_code}")
        max_open = max(max_open, len(engines.cached_slugs()))
    return latencies, errors, max_open


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def scenario(name: str, tmp: Path, args, cache_size: int, hosts: list[str]) -> dict:
    app = build_app(tmp, args.database_url, cache_size)
    # Warm-up: templates compiled, modules imported, engines open (as many as the cache keeps).
    run_requests(app, hosts, tuple(args.paths), len(hosts) * len(args.paths))

    gc.collect()
    started = time.perf_counter()
    latencies, errors, max_open = run_requests(app, hosts, tuple(args.paths), args.requests)
    elapsed = time.perf_counter() - started

    # Memory on a separate pass: tracemalloc slows every allocation down.
    app.extensions["ptcc"].engines.dispose_all()
    gc.collect()
    tracemalloc.start()
    _, more_errors, more_open = run_requests(app, hosts, tuple(args.paths), min(args.requests, len(hosts) * 4))
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    app.extensions["ptcc"].engines.dispose_all()
    return {
        "name": name, "cache": cache_size, "requests": args.requests,
        "rps": args.requests / elapsed,
        "p50": percentile(latencies, 0.50) * 1000, "p95": percentile(latencies, 0.95) * 1000,
        "max_open": max(max_open, more_open), "traced_peak": peak / 2**20, "traced_end": current / 2**20,
        "errors": errors + more_errors,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--territories", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--bounded", type=int, default=16, help="engine cache size of the bounded scenario")
    parser.add_argument("--paths", nargs="+", default=list(DEFAULT_PATHS), help="pages requested")
    parser.add_argument("--database-url", default="", help="template with {tenant}; empty: SQLite files")
    parser.add_argument("--schema", choices=("migrate", "create_all"), default="migrate",
                        help="build databases with the migrations (default) or from the models")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="ptcc-bench-") as folder:
        tmp = Path(folder)
        pairs = write_territories(tmp / "tenants", args.territories)
        hosts = [host for _slug, host in pairs]
        setup_app = build_app(tmp, args.database_url, args.territories)
        seconds = prepare_databases(setup_app, args.schema)
        try:
            results = [
                scenario("unbounded cache", tmp, args, args.territories, hosts),
                scenario("bounded cache", tmp, args, args.bounded, hosts),
            ]
        finally:
            if args.database_url:
                drop_databases(setup_app)

    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\n### PTCC: {args.territories} territories on {backend}, pages {' '.join(args.paths)}\n")
    print(f"Databases prepared ({args.schema}) in {seconds:.1f} s "
          f"({seconds / args.territories * 1000:.0f} ms per territory).\n")
    print("| scenario | engine cache | requests | req/s | p50 ms | p95 ms | max open engines | traced peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['cache']} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['max_open']} | {r['traced_peak']:.1f} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"\nPeak RSS of the whole run: {rss:.0f} MiB (Python {sys.version.split()[0]}).")

    status = 0
    for r in results:
        if r["max_open"] > r["cache"]:
            print(f"\nFAILED: {r['name']}: {r['max_open']} engines open, bound {r['cache']}")
            status = 1
        if r["errors"]:
            print(f"\nFAILED: {r['name']}: {len(r['errors'])} requests did not answer 200, e.g. "
                  f"{', '.join(sorted(set(r['errors']))[:5])}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
