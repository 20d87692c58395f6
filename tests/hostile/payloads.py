"""Hostile values, as hypothesis strategies.

Every strategy here draws plain data (text, bytes, numbers); how a value travels
(path segment, query string, form field, JSON, file) is ``strategies``' business.
Script payloads carry a per-example marker so that ``checks`` can tell the
payload of this example from any other text of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

#: C0 and C1 controls, line and paragraph separators, byte-order mark.
CONTROL_CHARACTERS = "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\u2028\u2029\ufeff"
#: Embeddings, overrides and isolates that reorder the text around them.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
#: Values that break headers, SQL text columns, or lines of a CSV or iCalendar file.
NASTY_TEXTS = (
    "\x00",
    "nul\x00inside",
    "/\r\nSet-Cookie: hostile=1",
    "/\r\n\r\n<html>split</html>",
    "line\rbreak",
    "\u202egnp.exe",
    "admin\u202e@example.org",
    "\ufeff",
    " ",
    "",
    "'; DROP TABLE users; --",
    "%00",
    "../../../../etc/passwd",
    "{{ 7 * 7 }}",
    "${7*7}",
    "%(name)s %s {0}",
    "BEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT",
    "=cmd|' /C calc'!A0",
    "🏳️‍🌈" * 3,
    "Zalgo z̸̢̛a̴̛l̷g̵o̶",
)

BIG_INTEGERS = (2**63, 2**63 - 1, 2**64, -(2**63) - 1, 10**20, -(10**20), 2**31, 2**53 + 1, -1, 0)
#: What a form's number field may receive instead of a number.
INTEGER_TEXTS = ("9" * 400, "1e309", "1e3", "NaN", "inf", "-0", " 7 ", "0x1F", "1_000", "٣", "+5", "07", "")

#: The calendar's ends, the day after its end, impossible days and garbage.
DATE_TEXTS = (
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2023-02-29",
    "2024-13-01",
    "-0001-01-01",
    "9999-12-31T23:59:59",
    "31/12/9999",
    "garbage",
    "٢٠٢٤-٠١-٠١",
    "2024-01-01\x00",
)

#: Percent-encodings that decode to nothing valid: truncated escapes, bytes that are not
#: UTF-8, overlong and surrogate encodings, NUL and a right-to-left override.
BROKEN_ENCODINGS = ("%", "%zz", "%f", "%ff", "%FF%FE", "%c3%28", "%e2%28%a1", "%f0%28%8c%bc", "%ed%a0%80",
                    "%c0%af", "%00", "%e2%80%ae", "%%32%35")

#: Repeated to build strings of 10,000 characters and more.
LONG_CHUNKS = ("A", "é", "<", "\x00", "\u202e", "9", "ab ", "\r\n", "𝕏")


def markers() -> st.SearchStrategy[str]:
    """A word no page contains unless this example put it there."""
    return st.uuids().map(lambda u: f"hx{u.hex[:12]}")


def script_payloads(marker: str) -> st.SearchStrategy[str]:
    return st.sampled_from((
        f"<script>{marker}</script>",
        f"\"><script>{marker}</script>",
        f"'><script>{marker}</script><'",
        f"</textarea></title><script>{marker}</script>",
        f"<ScRiPt>{marker}</sCrIpT>",
        f"**bold** <script>{marker}</script>",
        f"<img src=x onerror=\"{marker}\"><script>{marker}</script>",
        f"[click](javascript:alert('{marker}'))",
        f"javascript:alert('{marker}')",
        f" JaVaScRiPt:alert('{marker}')",
        f"<a href=\"javascript:alert('{marker}')\">x</a>",
    ))


def script_patterns(marker: str) -> tuple[re.Pattern, ...]:
    """What an unescaped payload of ``marker`` looks like in HTML: a script element opening
    right before the marker (as the payloads write it; the marker escaped inside another
    script, such as JSON-LD, is harmless), or a ``javascript:`` link carrying it."""
    return (
        re.compile(r"<script\b[^>]*>\s*" + re.escape(marker), re.IGNORECASE),
        re.compile(r"\b(?:href|src|action|formaction)\s*=\s*[\"']?\s*javascript:[^\"'>]*" + re.escape(marker),
                   re.IGNORECASE),
    )


def long_texts() -> st.SearchStrategy[str]:
    return st.builds(lambda chunk, size: chunk * (size // len(chunk) + 1),
                     st.sampled_from(LONG_CHUNKS), st.integers(min_value=10_000, max_value=40_000))


def control_texts() -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(CONTROL_CHARACTERS + BIDI_CONTROLS + "ab <>&\"'/\\%")
    return st.one_of(st.sampled_from(NASTY_TEXTS), st.text(alphabet, min_size=1, max_size=24))


def integer_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(BIG_INTEGERS).map(str), st.sampled_from(INTEGER_TEXTS),
                     st.integers().map(str))


def date_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATE_TEXTS), st.dates().map(lambda d: d.isoformat()),
                     st.text(max_size=12))


def broken_encodings() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(BROKEN_ENCODINGS), min_size=1, max_size=3).map("".join)


def hostile_texts(marker: str) -> st.SearchStrategy[str]:
    """Any hostile text, for any field or parameter."""
    return st.one_of(
        control_texts(),
        script_payloads(marker),
        long_texts(),
        integer_texts(),
        date_texts(),
        st.text(max_size=40),  # arbitrary Unicode (no lone surrogates: they cannot be sent)
    )


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"Upload({self.filename[:40]!r}, {len(self.content)} bytes, {self.content_type!r})"


PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def uploads(marker: str) -> st.SearchStrategy[Upload]:
    svg = f"<svg xmlns='http://www.w3.org/2000/svg'><script>{marker}</script></svg>".encode()
    return st.one_of(
        st.sampled_from((
            Upload("", b""),
            Upload("logo.png", b""),
            Upload("logo.png", PNG_HEADER, "image/png"),
            Upload("logo.png", PNG_HEADER + svg, "image/png"),
            Upload("logo.svg", svg, "image/svg+xml"),
            Upload("logo.png", svg, "image/png"),
            Upload("logo.png", b"\x00" * 600_000, "image/png"),
            Upload("../../../etc/logo.png", PNG_HEADER, "image/png"),
            Upload("logo\u202egnp.exe", PNG_HEADER, "image/png"),
            Upload("logo\x00.png", PNG_HEADER, "image/png"),
            Upload("a" * 300 + ".png", PNG_HEADER, "image/png"),
            Upload("notes.txt", b"plain text where an image belongs", "text/plain"),
        )),
        st.builds(Upload, st.text(max_size=20), st.binary(max_size=64)),
    )
