"""How many gunicorn workers, and how often to recycle them: the measurements behind
``config/gunicorn.conf.py``'s defaults.

    .venv/bin/python benchmarks/bench_workers.py [--workers 2,3,4] [--duration 10]

On the benchmark's data (Lyon enlarged, ``run_bench.build_data``), one gunicorn per worker
count with the production configuration and no recycling, each driven by wrk at 16
connections on three pages that stand for the three kinds of work: a page kept by the
anonymous page cache (``/``), one rendered at every request (a search for another pair of
words each time) and the signed-in dashboard. Then, with the default worker count, the home
page under each ``max_requests`` value: how many workers restarted during the run and what
that did to the tail latency. Last, the memory a worker gains as it serves: with no
recycling, the three pages in turn for several slices, each worker's RSS after each slice
(what ``max_requests`` guards against). Writes ``benchmarks/WORKERS.md`` (and
``workers.json``); asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load  # noqa: E402
import machine  # noqa: E402
from pages import search_paths  # noqa: E402
from run_bench import build_data  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from server import GunicornServer  # noqa: E402
from signin import session_cookie_header  # noqa: E402

import generate  # noqa: E402

HOST = "lyon.localhost"


def measure(server, cookie: str, duration: int, connections: int) -> dict:
    runs = {}
    searches = list(search_paths())
    plan = [("home (kept)", "/", "", None), ("search (rendered)", "/search", "", searches),
            ("dashboard (signed in)", "/dashboard", cookie, None)]
    for name, path, page_cookie, paths in plan:
        load.run(name, server.port, path, HOST, 1, connections=connections, cookie=page_cookie,
                 paths=list(reversed(paths)) if paths else None)
        boots = server.boots()
        run = load.run(name, server.port, path, HOST, duration, connections=connections, cookie=page_cookie,
                       paths=paths)
        run.worker_restarts = server.boots() - boots
        runs[name] = run.as_dict()
    return runs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="2,3,5", help="worker counts; the first is the one recycled")
    parser.add_argument("--max-requests", default="0,2000,20000")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--growth-slices", type=int, default=5,
                        help="slices of the three pages, RSS read after each (0: none)")
    parser.add_argument("--output", type=Path, default=HERE)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    recycling = [int(n) for n in args.max_requests.split(",")]
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="ptcc-workers-"))
    results = {"machine": machine.describe(""), "command": " ".join(sys.argv), "workers": {}, "recycling": {}}
    try:
        box = Sandbox(root / "pages")
        data_args = argparse.Namespace(organisations=args.organisations, missions=args.organisations, small=5,
                                       seed=2026)
        build_data(box, data_args, print)
        box.forget_app()
        for count in counts:
            print(f"{count} workers", flush=True)
            env = box.server_env(PTCC_MAX_REQUESTS="0")
            with GunicornServer(env, root / "logs", name=f"w{count}", workers=count) as server:
                cookie = session_cookie_header(server.port, HOST, generate.DASHBOARD_EMAIL)
                results["workers"][count] = {**measure(server, cookie, args.duration, args.connections),
                                             "rss_mib": server.rss()}
        default = counts[0]
        for limit in recycling:
            print(f"max_requests={limit}", flush=True)
            env = box.server_env(PTCC_MAX_REQUESTS=str(limit))
            with GunicornServer(env, root / "logs", name=f"r{limit}", workers=default) as server:
                boots = server.boots()
                run = load.run("home", server.port, "/", HOST, args.duration, connections=args.connections)
                run.worker_restarts = server.boots() - boots
                results["recycling"][limit] = run.as_dict()
        if args.growth_slices:
            print(f"memory over {args.growth_slices} slices", flush=True)
            env = box.server_env(PTCC_MAX_REQUESTS="0")
            with GunicornServer(env, root / "logs", name="growth", workers=default) as server:
                cookie = session_cookie_header(server.port, HOST, generate.DASHBOARD_EMAIL)
                served, growth = 0, [{"requests": 0, "rss_mib": server.rss()}]
                for _ in range(args.growth_slices):
                    served += sum(run["requests"] for run in measure(server, cookie, args.duration,
                                                                     args.connections).values())
                    growth.append({"requests": served, "rss_mib": server.rss()})
                results["growth"] = growth
    finally:
        shutil.rmtree(root, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - started)
    results["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "workers.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (args.output / "WORKERS.md").write_text(render(results, args))
    print(f"wrote {args.output / 'WORKERS.md'}")
    return 0


def render(r: dict, args) -> str:
    m = r["machine"]
    out = ["# gunicorn workers and recycling", "",
           f"{m.get('date', '')} on {m.get('cores', '?')} cores ({m.get('cpu', '')}); load average "
           f"{' / '.join(map(str, m['load_average_at_start']))} at the start, "
           f"{' / '.join(map(str, r['load_average_at_end']))} at the end. {r['seconds']} s.", "",
           "```sh", r["command"], "```", "",
           f"wrk {args.connections} connections, {args.duration} s per page after 1 s of warm-up, sync workers, "
           "production configuration, no recycling (`PTCC_MAX_REQUESTS=0`).", "",
           "| workers | page | req/s | p50 ms | p99 ms | max ms | errors |", "|---:|---|---:|---:|---:|---:|---:|"]
    for count, runs in r["workers"].items():
        for name, run in runs.items():
            if name == "rss_mib":
                continue
            out.append(f"| {count} | {name} | {run['rps']:.0f} | {run['p50_ms']:.1f} | {run['p99_ms']:.1f} | "
                       f"{run['max_ms']:.1f} | {run['errors']} |")
    out += ["", "Resident memory after the runs (MiB): " + "; ".join(
        f"{count} workers: " + ", ".join(f"{k} {v:.0f}" for k, v in runs["rss_mib"].items() if v)
        for count, runs in r["workers"].items()), ""]
    out += [f"Recycling, {next(iter(r['workers']))} workers, home page:", "",
            "| max_requests | req/s | p99 ms | max ms | workers restarted |", "|---:|---:|---:|---:|---:|"]
    for limit, run in r["recycling"].items():
        out.append(f"| {limit} | {run['rps']:.0f} | {run['p99_ms']:.1f} | {run['max_ms']:.1f} | "
                   f"{run['worker_restarts']} |")
    if r.get("growth"):
        out += ["", f"Memory as {next(iter(r['workers']))} workers serve, no recycling: the three pages in turn, "
                f"{args.duration} s each per slice; requests counted by wrk (measured runs only), RSS in MiB:", "",
                "| requests served | " + " | ".join(k for k in r["growth"][0]["rss_mib"]) + " |",
                "|---:|" + "---:|" * len(r["growth"][0]["rss_mib"])]
        for step in r["growth"]:
            out.append(f"| {step['requests']:,} | " + " | ".join(
                f"{v:.1f}" if v else "" for v in step["rss_mib"].values()) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
