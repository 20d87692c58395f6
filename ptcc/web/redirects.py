"""The one place where a ``next`` address from a client becomes a redirect.

Login, the language switch and every other "go back to where you were" redirect
through ``safe_next``: an open redirect would turn the platform's own pages into a
phishing tool, and a header value with a line break would fail after the work is done.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import request, url_for

MAX_NEXT_LENGTH = 2048


def _is_clean(target: str) -> bool:
    # Browsers drop tabs and line breaks inside URLs and read "\" as "/": "/\t/evil.com"
    # and "/\evil.com" are both "//evil.com" to them.
    return all(ch.isprintable() and not ch.isspace() and ch != "\\" for ch in target)


def local_path(target) -> str | None:
    """``target`` as a path of this territory, or None when it leads anywhere else."""
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return None
    # Checked decoded too: a proxy or a browser that decodes "%09" or "%5C" must not find them.
    if not (_is_clean(target) and _is_clean(unquote(target))) or unquote(target).startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        # Flask-Login sends absolute URLs of the current site; anything else is refused.
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower():
            return None
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or target.startswith("//"):
        return None
    root = request.script_root
    if root and target != root and not target.startswith(root + "/"):
        return None  # another territory under /t/<slug>/ on the same host
    return target


def safe_next(target, default_endpoint: str = "web.index") -> str:
    """Where to send the person: ``target`` when it stays on this territory, else a safe page."""
    return local_path(target) or url_for(default_endpoint)
