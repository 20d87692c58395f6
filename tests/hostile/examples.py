"""A hostile request, as hypothesis draws it and reports show it.

A request names the seeded objects it aims at (``Seeded("beta")``) and the CSRF
token it carries ("other-territory") rather than their values, which only the
world knows: reports then say what was meant, and ``sending`` looks the values up.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How the CSRF token of a POST is chosen: the sender's own, none, nonsense, one issued by
#: the other territory, or one of another browser's session on the same territory.
CSRF_MODES = ("valid", "missing", "garbage", "other-territory", "other-session")
GARBAGE_TOKEN = "IjBhZGJhZGJhZCI.not-a-token"


@dataclass(frozen=True)
class Seeded:
    """The URL value of the object the isolation seed made in ``territory``."""

    territory: str

    def __repr__(self) -> str:
        return f"<{self.territory}'s>"


@dataclass(frozen=True)
class Raw:
    """Text put on the wire as written: broken percent-encodings, bytes that are not UTF-8."""

    text: str

    def __repr__(self) -> str:
        return f"raw{self.text!r}"


@dataclass(frozen=True)
class JsonValue:
    """A value only JSON can carry where the form expects text (number, null, object...)."""

    value: object

    def __repr__(self) -> str:
        return f"json({short(self.value)})"


def short(value, limit: int = 60) -> str:
    """A repr that keeps reports readable: long strings show their start and their length."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit // 2]!r}…({len(value)} chars)"
    if isinstance(value, tuple):
        return "(" + ", ".join(short(item, limit) for item in value[:6]) + (", …" if len(value) > 6 else "") + ")"
    text = repr(value)
    return text if len(text) <= 2 * limit else text[:limit] + f"…({len(text)} chars)"


def _pairs(items) -> str:
    return "{" + ", ".join(f"{name!r}: {short(value)}" for name, value in items) + "}"


@dataclass(frozen=True)
class HostileRequest:
    endpoint: str
    method: str
    #: One of ``world.IDENTITIES``.
    identity: str = "admin"
    #: "host" (alpha.test) or "prefix" (localhost/t/alpha).
    mode: str = "host"
    #: One of ``CSRF_MODES`` (POST only).
    csrf: str = "valid"
    #: "html", or "json" for ``Accept: application/json``.
    accept: str = "html"
    #: How the body travels: "urlencoded", "multipart", "json", or JSON that is not an
    #: object ("json-array") or not JSON at all ("broken-json").
    encoding: str = "urlencoded"
    #: (argument, Seeded | Raw | text) for each of the rule's arguments.
    path_values: tuple = ()
    #: (name, value) pairs; a value is text, Raw, or a tuple sent as repeated keys.
    query: tuple = ()
    #: (name, value) pairs of the body; also Upload and JsonValue values.
    fields: tuple = ()
    #: The word this example's script payloads carry.
    marker: str = ""
    #: Names a fixed sweep ("sweep: nul bytes"); empty for drawn examples.
    label: str = ""

    def __repr__(self) -> str:
        parts = [f"{self.method} {self.endpoint}", f"as {self.identity}", f"{self.mode} mode"]
        if self.accept != "html":
            parts.append(f"Accept: {self.accept}")
        if self.path_values:
            parts.append(f"path={_pairs(self.path_values)}")
        if self.query:
            parts.append(f"query={_pairs(self.query)}")
        if self.method != "GET":
            parts += [f"csrf={self.csrf}", f"body={self.encoding} {_pairs(self.fields)}"]
        if self.label:
            parts.insert(0, f"[{self.label}]")
        return " ".join(parts)

    @property
    def is_hostile(self) -> bool:
        """Whether its input may be hostile: every example but the baselines."""
        return self.label not in ("baseline", "beta's identifiers")
