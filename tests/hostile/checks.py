"""What every answer to a hostile request must respect, and the evidence when it does not.

- no 5xx (and no exception escaping the app);
- no script payload of this example, unescaped, in the answer or, after an accepted
  write, in the pages that list or show content (which must not fail either);
- nothing of beta changes, whatever the answer;
- a refusal (4xx) changes nothing in either territory, and names the problem: an error
  page, a field error, a flashed error, an alert, or JSON with a message.
"""

from __future__ import annotations

import logging
import re
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.hostile.payloads import script_patterns

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Markup of ptcc/web/templates: _ui.html (field errors, the form's summary, flashes, the page header),
#: base.html (flashed messages) and web/error.html (the error page), plus role="alert".
PROBLEM_MARKUP = (
    re.compile(r'<p class="error"[^>]*>\s*[^<\s]'),
    re.compile(r'<div class="form-errors" role="alert">'),
    # A flash starts with its icon (ui.flash_messages in _ui.html), then the message.
    re.compile(r'<p class="flash flash-(?:error|warning)">\s*(?:<svg\b.*?</svg>)?\s*(?:<span>)?\s*[^<\s]', re.DOTALL),
    re.compile(r'role="alert"[^>]*>\s*(?:<p>)?\s*[^<\s]'),
    re.compile(r'<main[^>]*>\s*(?:<div class="flashes".*?</div>\s*)?(?:<header class="page-header">\s*<div class="page-header-row">\s*)?<h1>\s*[^<\s][^<]*</h1>\s*(?:</div>\s*</header>\s*)?<p>\s*[^<\s][^<]*</p>'
               r'\s*<p><a href="[^"]*">[^<]+</a></p>\s*</main>', re.DOTALL),
)


@dataclass(frozen=True)
class Failure:
    #: Which rule was broken ("server error", "refusal changed data"...).
    check: str
    status: int | None
    request: str
    url: str
    detail: str = ""
    #: "ValueError: PostgreSQL text fields cannot contain NUL (0x00) bytes"
    error: str = ""
    #: Innermost frame of the traceback, and innermost frame of the project's own code.
    raised_at: str = ""
    project_frame: str = ""
    traceback: str = ""

    @property
    def error_type(self) -> str:
        return self.error.split(":", 1)[0]

    @property
    def signature(self) -> tuple:
        """Two failures with the same signature have, as far as we can tell, one cause."""
        return (self.check, self.status, self.error_type, self.project_frame or self.detail)


# --- the app's log ----------------------------------------------------------------------------


class ErrorLog(logging.Handler):
    """Keeps the records that carry an exception (the app's error handlers log them)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        if record.exc_info:
            self.records.append(record)


@contextmanager
def captured_errors():
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _where(frame) -> str:
    path = Path(frame.filename)
    for base in (PROJECT_ROOT / ".venv", PROJECT_ROOT):
        if path.is_relative_to(base):
            path = path.relative_to(base)
            break
    text = str(path)
    if "site-packages/" in text:
        text = text.split("site-packages/", 1)[1]
    return f"{text}:{frame.lineno} in {frame.name}"


def _is_project_code(filename: str) -> bool:
    path = Path(filename)
    return (path.is_relative_to(PROJECT_ROOT) and not path.is_relative_to(PROJECT_ROOT / ".venv")
            and not path.is_relative_to(PROJECT_ROOT / "tests"))


def exception_evidence(exc_info) -> dict:
    """``error``, ``raised_at``, ``project_frame`` and ``traceback`` of an exception."""
    kind, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    project = [frame for frame in frames if _is_project_code(frame.filename)]
    message = str(value).strip().splitlines()[0] if str(value).strip() else ""
    # The project's frames and the innermost one: where our code went, where it broke.
    shown = project + [frames[-1]] if frames and (not project or project[-1] is not frames[-1]) else project
    return {
        "error": f"{kind.__name__}: {message[:200]}",
        "raised_at": _where(frames[-1]) if frames else "",
        "project_frame": _where(project[-1]) if project else "",
        "traceback": "".join(traceback.format_list(shown)) + f"{kind.__name__}: {message[:300]}\n",
    }


# --- the rules --------------------------------------------------------------------------------


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in set(before) | set(after) if before.get(table) != after.get(table))


def names_the_problem(response) -> bool:
    if response.is_json:
        document = response.get_json(silent=True)
        return isinstance(document, dict) and bool(str(document.get("message") or "").strip())
    if response.mimetype != "text/html":
        return False
    body = response.get_data(as_text=True)
    return any(pattern.search(body) for pattern in PROBLEM_MARKUP)


def _what_was_shown(response) -> str:
    body = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", body, re.DOTALL)
    if title:
        return f"an HTML page titled {' '.join(title.group(1).split())!r}, without an error message"
    return f"{response.mimetype or 'no content type'}: {body[:200]!r}"


def shown_script(body: str, marker: str) -> str | None:
    """The unescaped payload of ``marker`` in ``body``, with some context, or None."""
    if not marker:
        return None
    for pattern in script_patterns(marker):
        match = pattern.search(body)
        if match:
            return body[max(match.start() - 60, 0):match.end() + 20]
    return None


def check_answer(request, url: str, response, before: dict, after: dict, errors: ErrorLog) -> list[Failure]:
    status = response.status_code
    found = []

    def fail(check: str, detail: str = "", **evidence):
        found.append(Failure(check, status, repr(request), url[:300], detail, **evidence))

    if status >= 500:
        evidence = exception_evidence(errors.records[-1].exc_info) if errors.records else {}
        fail("server error", "" if evidence else response.get_data(as_text=True)[:300], **evidence)
    if response.mimetype == "text/html":
        shown = shown_script(response.get_data(as_text=True), request.marker)
        if shown:
            fail("script shown unescaped in the answer", shown)
    beta = changed_tables(before["beta"], after["beta"])
    if beta:
        fail("changed beta's data", f"tables {beta}")
    if 400 <= status < 500:
        alpha = changed_tables(before["alpha"], after["alpha"])
        if alpha:
            fail("refusal changed data", f"alpha's tables {alpha}")
        if not names_the_problem(response):
            fail("refusal without explanation", _what_was_shown(response))
    return found


def check_escaped_exception(request, url: str, exc_info) -> Failure:
    return Failure("exception escaped the app", None, repr(request), url[:300], **exception_evidence(exc_info))


def check_content_pages(world, pages: list, request, written) -> list[Failure]:
    """After an accepted write of hostile input: the page the answer leads to and every
    page that lists or shows content (pages, calendars, datasets, API), read by alpha's
    administrator, must neither fail (a date at the calendar's end stored, then shown
    plus one day) nor show the example's script payload unescaped."""
    found = []
    client = world.client("admin", "host")
    paths = [world.path(route, "alpha") for route in pages] + [f"/search?q={request.marker}"]
    location = urlsplit(written.headers.get("Location", ""))
    if 300 <= written.status_code < 400 and location.netloc in ("", "alpha.test") and location.path:
        paths.insert(0, location.path + (f"?{location.query}" if location.query else ""))
    for path in paths:
        with captured_errors() as errors:
            response = client.get(path, buffered=True)
        if response.status_code >= 500:
            evidence = exception_evidence(errors.records[-1].exc_info) if errors.records else {}
            found.append(Failure("stored input breaks a page", response.status_code, repr(request), path,
                                 f"GET {path} answered {response.status_code} after the write", **evidence))
        elif response.mimetype == "text/html":
            shown = shown_script(response.get_data(as_text=True), request.marker)
            if shown:
                found.append(Failure("script stored, shown unescaped", response.status_code, repr(request), path,
                                     f"on {path}: {shown}"))
    return found
