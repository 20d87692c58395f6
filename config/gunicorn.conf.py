"""gunicorn settings for PTCC: ``gunicorn -c config/gunicorn.conf.py wsgi:app``.

Every value can be changed from the environment, so one file serves every host:

==================  =====================  ==============================================
variable            default                meaning
==================  =====================  ==============================================
PTCC_BIND           127.0.0.1:8000         address to listen on (behind a reverse proxy)
WEB_CONCURRENCY     cores + 1, max 8       worker processes
PTCC_THREADS        1                      threads per worker (>1 uses gthread workers)
PTCC_TIMEOUT        30                     seconds before a silent worker is restarted
PTCC_ACCESS_LOG     - (stdout)             access log file, empty to turn it off
PTCC_ERROR_LOG      - (stderr)             error log file
PTCC_LOG_LEVEL      info                   gunicorn's log level
PTCC_WARM_UP        1                      0: no warm-up in the master (see ``warm_up``)
FORWARDED_ALLOW_IPS 127.0.0.1              proxies trusted for X-Forwarded-Proto (read by
                                           gunicorn itself)
==================  =====================  ==============================================

The application is loaded once in the master (``preload_app``) so that workers share
its memory and a broken configuration fails at start-up rather than in every worker.
Database engines must never be shared across ``fork()``: ``post_fork`` drops every
territory engine the master may have opened; each worker opens its own on first use.
Before the first fork the master also does the work every new worker's first request
would otherwise repeat (``warm_up``), so that the workers inherit it.
"""

import gc
import multiprocessing
import os
import time


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("PTCC_BIND", "127.0.0.1:8000")
# Measured (benchmarks/WORKERS.md, 2 cores): the work is CPU-bound (SQLite in-process, kept
# pages), so workers beyond the cores only share them: 2 workers served kept pages 10 % faster
# than 3 and 30 % faster than 5 (2 × cores + 1), rendered pages the same; one spare worker keeps
# the tail short when one request waits on a server or a file (dashboard p99 64 ms against 113).
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 8))
threads = _int("PTCC_THREADS", 1)
preload_app = True

# A worker silent for this long is killed and replaced; a graceful restart waits as long.
timeout = _int("PTCC_TIMEOUT", 30)
graceful_timeout = _int("PTCC_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows unbounded. Measured: a worker
# grows by about 26 MiB over its first 30,000 requests, slower and slower as its bounded caches
# fill; at 2,000 both workers restarted every few seconds under load and the kept pages' p99
# doubled (82 ms against 42 with no recycling), at 20,000 it is the same as none.
max_requests = _int("PTCC_MAX_REQUESTS", 20000)
# Half of it as jitter: with 10 % both workers reached the limit in the same second under load
# and nothing accepted requests while they restarted (make bench, /healthz p99 about 1 s).
max_requests_jitter = max(1, max_requests // 2)
# gunicorn trusts SCRIPT_NAME and PATH_INFO request headers from FORWARDED_ALLOW_IPS by default:
# a client whose proxy forwards them could move a request under another territory's /t/<slug>
# prefix. The territory comes from Host and the path alone (ptcc.tenancy.resolver).
forwarder_headers = ""
# Refuse absurd request lines and headers before they reach Flask.
limit_request_line = 8190
limit_request_fields = 100

accesslog = os.environ.get("PTCC_ACCESS_LOG", "-") or None
errorlog = os.environ.get("PTCC_ERROR_LOG", "-")
loglevel = os.environ.get("PTCC_LOG_LEVEL", "info")
# Remote address, Host (which territory), request line, status, size, duration in seconds,
# referrer, user agent.
access_log_format = '%(h)s %({host}i)s "%(r)s" %(s)s %(b)s %(L)ss "%(f)s" "%(a)s"'
proc_name = "ptcc"


def _dispose_engines(server) -> None:
    app = server.app.wsgi()  # with preload_app: the application object loaded in the master
    state = getattr(app, "extensions", {}).get("ptcc")
    if state is not None:
        state.engines.dispose_all()


def pre_fork(server, worker):
    """In the master: close any connection the preloaded application opened."""
    _dispose_engines(server)


def post_fork(server, worker):
    """In each new worker: start without engines; the master's must not be shared."""
    _dispose_engines(server)
    server.log.info("worker %s: territory engines reset", worker.pid)


def when_ready(server):
    """Once, in the master, before the first worker starts: warn when the workers may open
    more PostgreSQL connections than the server allows (ptcc.tenancy.budget). Only here
    are the workers and threads known; a server that does not answer is logged, and
    start-up goes on."""
    try:
        from ptcc.tenancy.budget import concurrency, warn_if_over_budget

        cfg = server.cfg
        warn_if_over_budget(server.app.wsgi(), workers=cfg.workers,
                            threads=concurrency(cfg.worker_class_str, cfg.threads, cfg.worker_connections),
                            logger=server.log)
    except Exception as exc:  # a check must never stop the server
        server.log.warning("PostgreSQL connection budget not checked: %s", exc)


def on_starting(server):
    """Once, in the master, the application loaded (``preload_app``), before any worker."""
    if os.environ.get("PTCC_WARM_UP", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    warm_up(server.app.wsgi(), server.log)
    # Everything allocated so far lives as long as the master: out of the collector's sight,
    # a worker's full collections neither walk it (shorter pauses) nor write to its pages
    # (which then stay shared with the master instead of being copied).
    gc.collect()
    gc.freeze()


#: Territories tried for the warm-up request (the first migrated one serves).
WARM_UP_CANDIDATES = 5


def warm_up(app, log) -> None:
    """Do in the master, once, what each new worker's first request would do, so that every
    worker forked from it inherits the result instead of paying for it (200-400 ms of the
    first request, benchmarks/README.md, "a new worker's first request"): compile every
    Jinja template, then render one territory's home page in each of its languages, which
    loads the Babel catalogues and locale data, imports the modules imported on first use,
    initialises SQLAlchemy's dialect and compiles the page's SQL into the cache every
    territory shares. What belongs to that territory is dropped afterwards: its engine
    (no connection or file may cross a fork), what the process learnt about it, and the
    cached data and pages. Never stops the server: a failure is logged.
    """
    started = time.perf_counter()
    try:
        compiled = _compile_templates(app)
        state = app.extensions["ptcc"]
        tenant = next((t for t in list(state.registry)[:WARM_UP_CANDIDATES] if state.engines.is_migrated(t)), None)
        rendered = _render_home(app, tenant) if tenant is not None else 0
    except Exception as exc:
        log.warning("warm-up stopped: %s", exc)
        return
    finally:
        _forget_territories(app)
    log.info("warm-up: %d templates compiled, %d pages rendered (%s) in %.0f ms", compiled, rendered,
             tenant.slug if tenant is not None else "no migrated territory", (time.perf_counter() - started) * 1000)


def _compile_templates(app) -> int:
    env, count = app.jinja_env, 0
    for name in env.list_templates():
        if name.endswith((".html", ".txt", ".xml", ".j2")):
            env.get_template(name)
            count += 1
    return count


def _render_home(app, tenant) -> int:
    if tenant.hosts:
        base, path = f"http://{tenant.hosts[0]}", "/"
    elif app.config["PTCC_PATH_PREFIX"] and app.config["PTCC_PLATFORM_HOSTS"]:
        base, path = f"http://{app.config['PTCC_PLATFORM_HOSTS'][0]}", f"/t/{tenant.slug}/"
    else:
        return 0
    client = app.test_client()
    for locale in tenant.locales or ("",):
        client.get(path, base_url=base, headers={"Accept-Language": locale}).close()
    return len(tenant.locales or ("",))


def _forget_territories(app) -> None:
    state = app.extensions.get("ptcc")
    if state is not None:
        for tenant in list(state.registry)[:WARM_UP_CANDIDATES]:
            state.engines.forget(tenant)
        state.engines.dispose_all()
    # Per-territory data and pages (a local store, or a Redis client whose sockets must not
    # be inherited either): each worker makes its own at first use.
    for name in ("ptcc_cache", "ptcc_pages"):
        app.extensions.pop(name, None)
