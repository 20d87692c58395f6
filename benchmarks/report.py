"""REPORT.md and report.json from one run's results (a plain dict, the JSON file's content)."""

from __future__ import annotations

import json
from pathlib import Path

#: Two /healthz runs further apart than this: the machine's load changed during the run.
HEALTHZ_DRIFT = 0.25


def write(results: dict, folder: Path, stem: str = "REPORT") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{stem}.md"
    data = folder / ("report.json" if stem == "REPORT" else f"{stem.lower()}.json")
    data.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    markdown.write_text(render(results), encoding="utf-8")
    return markdown, data


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _kib(value) -> str:
    return f"{value / 1024:.1f}"


def _errors(run: dict) -> str:
    if not run["errors"]:
        return "0"
    parts = [f"{count}×{status}" for status, count in sorted(run["non2xx_by_status"].items())]
    parts += [f"{count} {kind}" for kind, count in run["socket_errors"].items()]
    return "**" + ", ".join(parts) + "**"


def render(r: dict) -> str:
    m, s = r["machine"], r["settings"]
    backend = "PostgreSQL " + (m["postgresql"] or "") if s["database_url"] else "SQLite " + m["sqlite"]
    out = [f"# PTCC benchmark{' (CI mode)' if s['ci'] else ''}", ""]
    out += [f"{m['date']} on {m['host']}: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; "
            f"load average {' / '.join(map(str, m['load_average_at_start']))} at the start, "
            f"{' / '.join(map(str, r.get('load_average_at_end', [])))} at the end. "
            f"Python {m['python']}, {backend}, gunicorn {m['gunicorn']}, Flask {m['flask']}, "
            f"SQLAlchemy {m['sqlalchemy']}, {m['wrk']}.", ""]
    out += ["```sh", r["command"], "```", ""]
    out += [f"Finished in {r['seconds']:.0f} s. Every figure depends on the machine and on what else it runs: "
            "compare runs made on the same quiet machine. Nothing here asserts a speed.", ""]

    out += ["## Verdict", ""]
    if r["failures"]:
        out += ["**Invariants or pages failed:**", ""] + [f"- {f}" for f in r["failures"]] + [""]
    else:
        out += ["Every page answered 2xx and every invariant held.", ""]
    observations = list(r.get("observations", []))
    healthz = [run for run in r.get("pages", []) if run["path"] == "/healthz"]
    if len(healthz) == 2 and max(healthz[0]["rps"], healthz[1]["rps"]) and abs(
            healthz[0]["rps"] - healthz[1]["rps"]) / max(healthz[0]["rps"], healthz[1]["rps"]) > HEALTHZ_DRIFT:
        observations.append(
            f"/healthz answered {healthz[0]['rps']:.0f} req/s at the start ({healthz[0]['worker_restarts']} worker "
            f"restarts during the run, p95 {healthz[0]['p95_ms']:.0f} ms) and {healthz[1]['rps']:.0f} at the end "
            f"({healthz[1]['worker_restarts']} restarts, p95 {healthz[1]['p95_ms']:.0f} ms): shares of /healthz are "
            "rough. Recycling (`max_requests`) and the machine's other load both move it; see the restarts column")
    if observations:
        out += ["Observations (not failures):", ""] + [f"- {o}" for o in observations] + [""]

    d = r["data"]
    out += ["## Data", ""]
    out += [f"The demo territories (`ptcc demo`), Lyon enlarged by `benchmarks/generate.py` (seed {s['seed']}) "
            f"in {d['large']['seconds']:.1f} s: **{d['large']['organisations']:,} more organisations** "
            f"(approved, with topics, communes, descriptions), **{d['large']['missions']:,} more missions** "
            f"(with skills), {d['large']['people']:,} people, {d['large']['answers']:,} answers, "
            f"{d['large']['activity_entries']:,} activity entries. The small data set for the query-count "
            f"comparison (territory `lyon-small`): {d['small']['organisations']} organisations and "
            f"{d['small']['missions']} missions added to the same demo territory.", ""]

    out += ["## Pages", ""]
    out += [f"gunicorn `config/gunicorn.conf.py` (production: `PTCC_ENV=production`, preloaded application, "
            f"sync workers, `max_requests` recycling on), {s['workers']} workers, {backend}"
            f"{', pages and cached values in Redis' if s.get('redis') else ', the page cache in each worker'}; "
            f"wrk {s['connections']} connections, 1 thread, {s['warmup']:g} s of warm-up then {s['duration']:g} s "
            f"per page, `Host: lyon.localhost`. "
            f"*Share of /healthz*: the page's throughput divided by `/healthz`'s in this run "
            f"({r['healthz_rps']:.0f} req/s, the mean of the run at the start and the one at the end). "
            f"*Restarts*: workers gunicorn started during the run (recycling after `max_requests`). "
            f"*Cache*: **hit** when the anonymous page cache (`ptcc.web.page_cache`) answered the page under "
            f"load; **varied** when each request asked for another path (the search: another pair of words "
            f"each time, rendered every time); empty when the page is never kept (signed in, streamed). "
            f"The datasets are requested as harvesters do (`Accept-Encoding: gzip, deflate`, Python "
            f"requests' default: the gzip copy), then *plain* without it. Answers over 64 KiB are not "
            f"read by wrk's script (marked †): copying each into Lua halved what wrk could send; wrk "
            f"still counts answers ≥ 400, and the bytes per answer are checked against the page's size.", ""]
    out += ["| page | path | cache | req/s | share of /healthz | p50 ms | p95 ms | p99 ms | max ms | errors | "
            "KiB/response | restarts |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in r["pages"]:
        marked = "" if run.get("bodies_read", True) else " †"
        out.append(f"| {run['name']}{marked} | `{run['path']}` | {run.get('page_cache', '')} | {run['rps']:.1f} | "
                   f"{_pct(run['healthz_share'])} | "
                   f"{_ms(run['p50_ms'])} | {_ms(run['p95_ms'])} | {_ms(run['p99_ms'])} | {_ms(run['max_ms'])} | "
                   f"{_errors(run)} | {_kib(run['bytes_per_response'])} | {run['worker_restarts']} |")
    if r.get("pages_uncached"):
        cached = {run["name"]: run for run in r["pages"]}
        out += ["", "What the page cache pays: the same pages on a second server with "
                "`PTCC_PAGE_CACHE_SECONDS=0` (every request rendered), shares of the same /healthz figure.", "",
                "| page | req/s rendered | req/s from the cache | share rendered | p99 ms rendered | p99 ms cached |",
                "|---|---:|---:|---:|---:|---:|"]
        for run in r["pages_uncached"]:
            kept = cached.get(run["name"], {})
            out.append(f"| {run['name']} | {run['rps']:.1f} | {kept.get('rps', 0):.1f} | "
                       f"{_pct(run['healthz_share'])} | {_ms(run['p99_ms'])} | {_ms(kept.get('p99_ms'))} |")
    out += ["", "The dashboard is requested with the session cookie of "
            f"`{r['dashboard_email']}`, obtained by signing in on the server first (login page's CSRF token, "
            "then the form). Errors count every answer outside 200–299 (a 302 to the login page included) "
            "and wrk's socket errors.", ""]
    if r.get("page_server_rss_mib"):
        out += ["Resident memory after the page runs (MiB): " + ", ".join(
            f"{k} {v:.0f}" for k, v in r["page_server_rss_mib"].items() if v is not None) + ".", ""]

    out += ["## SQL statements per request", ""]
    out += ["Counted in-process with Flask's test client (no server): SQLAlchemy's `before_cursor_execute` on every "
            "engine during one warm request, SQLite's own `BEGIN` left out, the page cache off (what rendering the "
            "page costs). *small → large*: the same page on "
            "the small data set (`lyon-small`) and the large one (`lyon`); the invariant is that no count grows. "
            "*Connections*: the most connections checked out of the pools at once during the request (the "
            "rule: one). *ms*: median in-process time on the large data set.", ""]
    out += ["| page | signed out: statements | signed in: statements | connections at once | "
            "ms signed out | ms signed in | KiB small → large (signed out) |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    small = {(c["page"], c["signed_in"]): c for c in r["queries"]["small"]}
    large = {(c["page"], c["signed_in"]): c for c in r["queries"]["large"]}
    for page in dict.fromkeys(c["page"] for c in r["queries"]["large"]):
        cells = []
        for signed_in in (False, True):
            a, b = small.get((page, signed_in)), large[(page, signed_in)]
            grown = a is not None and b["statements"] > a["statements"]
            text = f"{a['statements'] if a else '–'} → {b['statements']}"
            status = "" if b["status"] == 200 else f" ({b['status']})"
            cells.append(("**" + text + "**" if grown else text) + status)
        out_large, in_large = large[(page, False)], large[(page, True)]
        conns = max(out_large["connections_at_once"], in_large["connections_at_once"])
        a = small.get((page, False))
        sizes = f"{_kib(a['bytes']) if a else '–'} → {_kib(out_large['bytes'])}"
        out.append(f"| {page} | {cells[0]} | {cells[1]} | {conns} | {_ms(out_large['in_process_ms'])} | "
                   f"{_ms(in_large['in_process_ms'])} | {sizes} |")
    out.append("")
    for text in r["queries"].get("repeated_statements", []):
        out += [text, ""]

    sc = r.get("scale")
    if sc:
        out += ["## Territories", ""]
        out += [f"A second platform of {max(x['territories'] for x in sc['runs']):,} territories, each a copy of the "
                f"plain Lyon demo database (not enlarged), served by one gunicorn with the production configuration "
                f"except `PTCC_MAX_REQUESTS=0` (no recycling, so that memory reflects what the workers served) and "
                f"`PTCC_ENGINE_CACHE_SIZE={sc['engine_cache_size']}`. Page `{sc['page']}`, wrk "
                f"{s['connections']} connections, {s['scale_duration']:g} s per run; with N > 1 a Lua script "
                "gives each request the next territory's `Host` in turn. *First round*: the run's territories "
                "had not been served before (engines, cached values and kept pages made during the run). "
                "*Steady*: every territory first requested 3 × workers times, a round over all at a time "
                "(warm-up: " + ", ".join(f"{k} territories {v:g} s" for k, v in sc.get("warm_up_seconds", {}).items())
                + "). *Page cache off*: a second server with `PTCC_PAGE_CACHE_SECONDS=0`, every request "
                "rendered (what the database and engine side costs). The share compares with the one-territory "
                "steady run of the same server.", ""]
        postgres = bool(s["database_url"])
        engines_head = ("databases open per worker (most) | connections per worker to one database (most)"
                        if postgres else "databases open per worker (most)")
        out += [f"| territories | phase | page cache | req/s | share of one territory | p50 ms | p95 ms | p99 ms | "
                f"errors | {engines_head} |",
                "|---:|---|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if postgres else "---:|")]
        for run in sc["runs"]:
            res, seen = run["result"], run["open_engines"]
            engines = (f"{seen['most_per_worker']} | {seen['most_connections_per_worker_and_database']}" if postgres
                       else f"{seen['most_per_worker']}")
            out.append(f"| {run['territories']:,} | {run.get('phase', '')} | "
                       f"{'on' if run.get('page_cache', True) else 'off'} | {res['rps']:.1f} | "
                       f"{_pct(run['share_of_one'])} | {_ms(res['p50_ms'])} | {_ms(res['p95_ms'])} | "
                       f"{_ms(res['p99_ms'])} | {_errors(res)} | {engines} |")
        cold, warm = sc["cold_first_ms"], sc["cold_second_ms"]
        new, new2 = sc["new_worker_first_ms"], sc["new_worker_second_ms"]
        out += ["", "| first requests | samples | median ms | max ms | the next request, median ms |",
                "|---|---:|---:|---:|---:|",
                f"| to a territory no worker had served (warm worker) | {len(cold['samples'])} | {_ms(cold['median'])} | "
                f"{_ms(cold['max'])} | {_ms(warm['median'])} |",
                f"| of a new worker (forked, engines dropped), to a territory | {len(new['samples'])} | "
                f"{_ms(new['median'])} | {_ms(new['max'])} | {_ms(new2['median'])} |", ""]
        out += ["Resident memory (MiB) of the first server (page cache on); the last reading follows the "
                "steady run, every territory served:", "", "| when | " + " | ".join(_rss_columns(sc)) + " |",
                "|---|" + "---:|" * len(_rss_columns(sc))]
        for when, figures in sc["rss_mib"].items():
            out.append(f"| {when} | " + " | ".join(_ms(figures.get(col)) for col in _rss_columns(sc)) + " |")
        out.append("")

    if r.get("profiles"):
        out += ["## Where the time goes (cProfile, in-process)", "",
                "The slowest pages in-process, profiled over a few warm requests, and the home page requested "
                "round-robin over more territories than the engine cache holds; functions of ptcc and the "
                "plugins, with Jinja's render, SQLAlchemy's row loading, SQL compilation and engine creation, "
                "by cumulative time.", ""]
        for name, text in r["profiles"].items():
            out += [f"<details><summary>{name}</summary>", "", "```", text, "```", "", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def _rss_columns(scale: dict) -> list[str]:
    columns: list[str] = []
    for figures in scale["rss_mib"].values():
        for key in figures:
            if key not in columns:
                columns.append(key)
    return columns
