"""Whole pages kept for anonymous visitors, per territory, data version and language.

Most requests to a territory are visitors who are not signed in, reading the same home
page, directory and lists. Their page depends only on the territory's data, the
language and the URL: it is rendered once per *data version* (``ptcc.caching``: every
committed write changes it, so a new organisation or mission shows at the next request,
in every worker) and served from the cache until then, or for at most
``PTCC_PAGE_CACHE_SECONDS``, because some pages also depend on the clock (what is
upcoming, what has expired).

What is never kept, and why:

- the pages of a signed-in person (their name, their data) and of anyone with a message
  waiting (``flash``): decided from the session before the view runs;
- a page that put a CSRF token in a form (login, sign-up): the token is the visitor's own;
- a page whose view touched the session, set a cookie, said ``no-store`` or ``private``,
  or marked itself with :func:`not_cached`;
- anything but a complete 200 (errors, redirects, streamed datasets, files).

Entries live in the process (an LRU bounded in bytes), and also in Redis when
``PTCC_REDIS_URL`` is set, so that every worker serves what one rendered (each keeps a near
copy of what it served: ``ptcc.caching.TieredStore``).
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from hashlib import blake2b

from flask import Response, current_app, g, request, session

from ptcc.caching import TieredStore, data_version, redis_errors
from ptcc.tenancy import current_tenant

log = logging.getLogger(__name__)

#: Answer headers that belong to one request, not to the page.
PER_REQUEST_HEADERS = {"set-cookie", "content-length", "date", "retry-after"}
PER_REQUEST_PREFIXES = ("ratelimit", "x-ratelimit")
#: Session keys of a signed-in person (Flask-Login) or of a waiting message.
PERSONAL_SESSION_KEYS = ("_user_id", "_flashes")
HEADER = "PTCC-Page-Cache"


def not_cached(view):
    """Mark a view whose anonymous answer must be rendered for every request."""
    view.ptcc_not_cached = True
    return view


@dataclass(frozen=True)
class CachedPage:
    created: float
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str


class LocalPages:
    """An LRU of pages in this process, bounded by the bytes of their bodies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.used = 0
        self._entries: OrderedDict[tuple, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> CachedPage | None:
        with self._lock:
            page = self._entries.get(key)
            if page is not None:
                self._entries.move_to_end(key)
            return page

    def set(self, key, page: CachedPage) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.used -= len(old.body)
            self._entries[key] = page
            self.used += len(page.body)
            while self.used > self.max_bytes and self._entries:
                _key, evicted = self._entries.popitem(last=False)
                self.used -= len(evicted.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0

    def __len__(self) -> int:
        return len(self._entries)


class RedisPages:
    """Pages in Redis, shared by every worker; they expire with the cache's lifetime."""

    def __init__(self, url: str, prefix: str, seconds: int):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.seconds = seconds

    def _key(self, key) -> str:
        return self.prefix + blake2b(repr(key).encode(), digest_size=16).hexdigest()

    def get(self, key) -> CachedPage | None:
        try:
            raw = self.client.get(self._key(key))
        except redis_errors() as exc:  # a cache that cannot answer renders the page instead
            log.warning("page cache unavailable: %s", exc)
            return None
        return None if raw is None else pickle.loads(raw)

    def set(self, key, page: CachedPage) -> None:
        try:
            self.client.set(self._key(key), pickle.dumps(page), ex=self.seconds)
        except redis_errors() as exc:
            log.warning("page cache unavailable: %s", exc)

    def clear(self) -> None:
        try:
            for name in self.client.scan_iter(match=self.prefix + "*", count=500):
                self.client.delete(name)
        except redis_errors() as exc:
            log.warning("page cache unavailable: %s", exc)


def pages(app=None):
    app = app or current_app
    found = app.extensions.get("ptcc_pages")
    if found is None:
        url = app.config.get("PTCC_REDIS_URL")
        found = LocalPages(int(app.config["PTCC_PAGE_CACHE_MB"]) * 1024 * 1024)
        if url:  # each worker keeps what it served near: a page's key holds the data version
            prefix = app.config.get("PTCC_CACHE_PREFIX", "ptcc:cache:") + "page:"
            found = TieredStore(found, RedisPages(url, prefix, max(1, int(app.config["PTCC_PAGE_CACHE_SECONDS"]))))
        app.extensions["ptcc_pages"] = found
    return found


def _enabled() -> bool:
    return current_app.config["PTCC_PAGE_CACHE_SECONDS"] > 0


def _anonymous_request() -> bool:
    if request.method not in ("GET", "HEAD") or g.get("ptcc_tenant") is None:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.endpoint == "static" or getattr(view, "ptcc_not_cached", False) \
            or getattr(view, "ptcc_writes_on_get", False):
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    return not any(key in session for key in PERSONAL_SESSION_KEYS)


def _key(version: int) -> tuple:
    from flask_babel import get_locale

    return (current_tenant.slug, version, str(get_locale()), request.host, request.script_root,
            request.full_path)


def serve_cached_page():
    """``before_request``, after the territory's own checks: the kept page, if any."""
    if not _enabled() or not _anonymous_request():
        return None
    version = data_version()
    if version is None:  # a database without its version row (being emptied): no cache
        return None
    g.ptcc_page_key = _key(version)
    page = pages().get(g.ptcc_page_key)
    if page is None or time.time() - page.created > current_app.config["PTCC_PAGE_CACHE_SECONDS"]:
        return None
    g.ptcc_page_served = True
    response = Response(page.body, status=page.status, headers=page.headers)
    response.set_etag(page.etag)
    response.headers[HEADER] = "hit"
    return response.make_conditional(request)


def csrf_token_made() -> bool:
    """Whether this request made a CSRF token (Flask-WTF keeps it in ``g``): a page or a
    fragment holding one belongs to the visitor's session and is never kept."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def _storable(response) -> bool:
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return False
    if session.modified or "Set-Cookie" in response.headers:
        return False
    if csrf_token_made():
        return False
    control = response.cache_control
    return not (control.no_store or control.private)


def keep_page(response):
    """``after_request``: keep a page rendered for an anonymous visitor."""
    key = g.get("ptcc_page_key")
    if key is None or g.get("ptcc_page_served") or request.method != "GET" or not _storable(response):
        return response
    body = response.get_data()
    if len(body) > current_app.config["PTCC_PAGE_CACHE_MAX_ENTRY_KB"] * 1024:
        return response
    headers = [(name, value) for name, value in response.headers.items()
               if name.lower() not in PER_REQUEST_HEADERS and not name.lower().startswith(PER_REQUEST_PREFIXES)
               and name != HEADER]
    etag = blake2b(body, digest_size=12).hexdigest()
    pages().set(key, CachedPage(time.time(), response.status_code, headers, body, etag))
    response.set_etag(etag)
    response.headers[HEADER] = "stored"
    return response


def install(app) -> None:
    """The lookup goes last among the before_request hooks (after the territory is bound,
    the input checked and disabled plugins refused); the keeping sees the final headers."""
    app.before_request(serve_cached_page)
    app.after_request(keep_page)
