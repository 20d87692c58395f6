"""Hostile requests for one route: what hypothesis draws, and the fixed sweeps.

Drawn requests mix valid and hostile parts (identity, addressing mode, CSRF token,
path values, query, body and its encoding); sweeps put one payload in every
position of its kind at once, so that the known classes of trouble are tried on
every route whatever the draw.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

from hypothesis import strategies as st

from tests.hostile import payloads
from tests.hostile.examples import CSRF_MODES, HostileRequest, JsonValue, Raw, Seeded
from tests.hostile.payloads import Upload
from tests.hostile.routes import Route
from tests.hostile.surface import EndpointSurface, FieldSpec
from tests.hostile.world import ACTING, IDENTITIES, OTHER


def weighted(*branches: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """``one_of`` where a branch of weight w is drawn about w times as often."""
    return st.one_of([strategy for weight, strategy in branches for _ in range(weight)])


# --- drawn requests -------------------------------------------------------------------------


def path_values(argument, marker: str) -> st.SearchStrategy:
    seeded = st.sampled_from((Seeded(ACTING), Seeded(OTHER)))
    if argument.kind == "int":
        hostile = st.one_of(st.sampled_from(payloads.BIG_INTEGERS).map(str), payloads.integer_texts())
    elif argument.kind == "any" and argument.choices:
        hostile = st.one_of(st.sampled_from(argument.choices), payloads.hostile_texts(marker))
    else:
        hostile = payloads.hostile_texts(marker)
    return weighted((4, seeded), (2, hostile), (1, payloads.broken_encodings().map(Raw)))


def values_of_kind(spec: FieldSpec, marker: str) -> st.SearchStrategy:
    texts = payloads.hostile_texts(marker)
    if spec.kind == "integer":
        return payloads.integer_texts()
    if spec.kind == "date":
        return payloads.date_texts()
    if spec.kind == "boolean":
        return st.sampled_from(("y", "", "false", "0", "on", "no"))
    if spec.kind == "choice":
        offered = st.sampled_from(spec.choices) if spec.choices else texts
        return st.one_of(offered, payloads.integer_texts(), texts)
    if spec.kind == "multichoice":
        item = st.one_of(st.sampled_from(spec.choices), texts) if spec.choices else texts
        return st.one_of(st.lists(item, max_size=4).map(tuple),
                         st.just(tuple(spec.choices) * 500 or ("x",) * 500))  # a few thousand values
    return texts


def wrong_types(marker: str, encoding: str) -> st.SearchStrategy:
    """A value of another shape than the field's: several values, a file, a JSON value."""
    several = st.lists(payloads.hostile_texts(marker), min_size=2, max_size=3).map(tuple)
    if encoding == "multipart":
        return st.one_of(several, payloads.uploads(marker))
    if encoding.startswith("json"):
        json_values = st.one_of(
            st.sampled_from((None, True, 2**63, -(10**20), 1.5e308, [], {}, {"$gt": ""}, [[["deep"]]])),
            st.integers(), st.lists(st.text(max_size=5), max_size=3))
        return st.one_of(several, json_values.map(JsonValue))
    return st.one_of(several, payloads.broken_encodings().map(Raw))


def field_values(spec: FieldSpec, marker: str, encoding: str) -> st.SearchStrategy:
    """A hostile value for one body field; None leaves the field out."""
    by_kind = values_of_kind(spec, marker)
    if spec.kind == "file":
        by_kind = payloads.uploads(marker) if encoding == "multipart" else payloads.hostile_texts(marker)
    return weighted((4, by_kind), (2, payloads.hostile_texts(marker)), (1, wrong_types(marker, encoding)),
                    (1, st.none()))


def query_values(spec: FieldSpec, marker: str) -> st.SearchStrategy:
    plausible = st.sampled_from(spec.choices or (spec.baseline or "",))
    return weighted((2, plausible), (4, values_of_kind(spec, marker)), (2, payloads.hostile_texts(marker)),
                    (1, wrong_types(marker, "urlencoded")))


@st.composite
def body_fields(draw, fields: dict[str, FieldSpec], marker: str, encoding: str) -> tuple:
    """Every field at its valid value, except up to three hostile ones: a form wholly
    wrong stops at its first validator, one wrong field reaches the services."""
    names = sorted(fields)
    hostile = draw(st.sets(st.sampled_from(names), max_size=min(3, len(names)))) if names else set()
    drawn = []
    for name in names:
        value = draw(field_values(fields[name], marker, encoding)) if name in hostile else fields[name].baseline
        if value is not None:
            drawn.append((name, value))
    return tuple(drawn)


@st.composite
def query_parameters(draw, query: dict[str, FieldSpec], marker: str, most: int) -> tuple:
    names = sorted(query)
    chosen = draw(st.lists(st.sampled_from(names), max_size=most, unique=True)) if names else []
    return tuple((name, draw(query_values(query[name], marker))) for name in chosen)


@st.composite
def hostile_requests(draw, route: Route, surface: EndpointSurface) -> HostileRequest:
    marker = draw(payloads.markers())
    is_get = route.method == "GET"
    encoding = "urlencoded" if is_get else draw(weighted(
        (6, st.just("urlencoded")), (2, st.just("multipart")), (2, st.just("json")),
        (1, st.sampled_from(("json-array", "broken-json")))))
    return HostileRequest(
        endpoint=route.endpoint,
        method=route.method,
        identity=draw(weighted((3, st.just(surface.identity)), (1, st.sampled_from(IDENTITIES)))),
        mode=draw(weighted((3, st.just("host")), (1, st.just("prefix")))),
        csrf="valid" if is_get else draw(weighted((6, st.just("valid")), (1, st.sampled_from(CSRF_MODES[1:])))),
        accept=draw(weighted((4, st.just("html")), (1, st.just("json")))),
        encoding=encoding,
        path_values=tuple((argument.name, draw(path_values(argument, marker))) for argument in route.arguments),
        query=draw(query_parameters(surface.query, marker, 3 if is_get else 1)),
        fields=() if is_get else draw(body_fields(surface.fields, marker, encoding)),
        marker=marker,
    )


# --- fixed sweeps ---------------------------------------------------------------------------


def baseline_request(route: Route, surface: EndpointSurface, marker: str = "") -> HostileRequest:
    """The request a person would send: alpha's own objects, valid fields, valid token."""
    fields = () if route.method == "GET" else tuple(
        (name, spec.baseline) for name, spec in sorted(surface.fields.items()) if spec.baseline is not None)
    return HostileRequest(route.endpoint, route.method, identity=surface.identity, marker=marker, label="baseline",
                          path_values=tuple((argument.name, Seeded(ACTING)) for argument in route.arguments),
                          fields=fields)


@dataclass(frozen=True)
class Sweep:
    """One payload put in every position of its kind at once; None leaves a kind as it is."""

    label: str
    text: object = None
    integer: object = None
    date: object = None
    choice: object = None
    path_text: str | None = None
    path_integer: str | None = None
    encoding: str = "urlencoded"


SWEEPS = (
    Sweep("nul bytes", text="nul\x00inside"),
    Sweep("nul byte in the path", path_text="nul\x00inside"),
    Sweep("2**63", integer=str(2**63), path_integer=str(2**63)),
    Sweep("-10**20", integer=str(-(10**20)), path_integer=str(10**20)),
    Sweep("9999-12-31", date="9999-12-31"),
    Sweep("0001-01-01", date="0001-01-01"),
    Sweep("10000-01-01", date="10000-01-01"),
    Sweep("a value no choice offers", choice="no-such-choice"),
    Sweep("script", text="<script>{marker}</script>"),
    Sweep("CR LF", text="/\r\nSet-Cookie: hostile=1"),
    # 60,000 bytes of UTF-8: past SQLite's longest LIKE pattern (50,000 bytes), for instance.
    Sweep("30,001 characters", text="é" * 30_001),
    Sweep("a file where text is expected", text=Upload("notes.txt", b"not a name", "text/plain"),
          encoding="multipart"),
    Sweep("JSON numbers where text is expected", text=JsonValue(2**63), integer=JsonValue(2**63), encoding="json"),
    Sweep("JSON objects where text is expected", text=JsonValue({"$gt": ""}), encoding="json"),
)


def sweep_marker(route: Route) -> str:
    return f"hxsweep{zlib.crc32(route.test_id.encode()):08x}"


def sweeps(route: Route, surface: EndpointSurface) -> list[HostileRequest]:
    """The baseline, then each sweep's payloads in every position of their kind (every text
    field, every integer parameter...) with valid values elsewhere, so that they reach the
    services; a sweep that would change nothing is left out. Also the baseline aimed at
    beta's objects."""
    marker = sweep_marker(route)
    base = baseline_request(route, surface, marker)
    found = [base]
    if route.arguments:
        found.append(replace(base, label="beta's identifiers",
                             path_values=tuple((a.name, Seeded(OTHER)) for a in route.arguments)))
    is_get = route.method == "GET"
    for sweep in SWEEPS:
        if is_get and sweep.encoding != "urlencoded":
            continue
        text = sweep.text.format(marker=marker) if isinstance(sweep.text, str) else sweep.text
        by_kind = {"text": text, "integer": sweep.integer, "date": sweep.date, "choice": sweep.choice}
        fields = tuple((name, by_kind.get(surface.fields[name].kind) or value) for name, value in base.fields)
        query = tuple((name, by_kind[spec.kind]) for name, spec in sorted(surface.query.items())
                      if is_get and by_kind.get(spec.kind))
        path = tuple((a.name, (sweep.path_integer if a.kind == "int" else sweep.path_text) or value)
                     for a, (_name, value) in zip(route.arguments, base.path_values))
        candidate = replace(base, label=f"sweep: {sweep.label}", encoding=sweep.encoding,
                            fields=fields, query=query, path_values=path)
        if (candidate.fields, candidate.query, candidate.path_values) != (base.fields, base.query, base.path_values):
            found.append(candidate)
    return found
