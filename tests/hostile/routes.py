"""The routes to drive: every rule and method of the URL map but HEAD, OPTIONS and static."""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
SKIPPED_ENDPOINTS = {"static"}

#: ``<converter(arguments):name>`` in a Werkzeug rule.
PLACEHOLDER_RE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
#: Converter name -> the kind of values its hostile strategy draws.
CONVERTER_KINDS = {None: "string", "default": "string", "string": "string", "int": "int",
                   "float": "float", "path": "path", "uuid": "uuid", "any": "any"}


@dataclass(frozen=True)
class Argument:
    name: str
    #: "string", "int", "float", "path", "uuid" or "any" (custom converters count as "string").
    kind: str
    #: The words an ``any(...)`` converter accepts.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    arguments: tuple[Argument, ...]

    @property
    def test_id(self) -> str:
        return f"{self.endpoint}-{self.method}"

    def path(self, rendered: dict[str, str]) -> str:
        """The rule with each argument replaced by its text, already percent-encoded."""
        return PLACEHOLDER_RE.sub(lambda match: rendered[match.group("name")], self.rule)


def _arguments(rule: str) -> tuple[Argument, ...]:
    arguments = []
    for match in PLACEHOLDER_RE.finditer(rule):
        converter = match.group("converter")
        choices = ()
        if converter == "any" and match.group("args"):
            choices = tuple(word.strip(" '\"") for word in match.group("args").split(","))
        arguments.append(Argument(match.group("name"), CONVERTER_KINDS.get(converter, "string"), choices))
    return tuple(arguments)


def routes_of(app) -> tuple[Route, ...]:
    """One Route per (rule, method), sorted by endpoint then method."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            found.append(Route(rule.endpoint, method, rule.rule, _arguments(rule.rule)))
    return tuple(sorted(found, key=lambda route: (route.endpoint, route.method, route.rule)))


@functools.cache
def collection_routes() -> tuple[Route, ...]:
    """The routes of an application built only to read its URL map (at collection time,
    before any database exists). Plugins register their blueprints whether or not a
    territory enables them, so this is the URL map the tests' application will have."""
    from ptcc.app import create_app

    with tempfile.TemporaryDirectory(prefix="ptcc-hostile-routes-") as folder:
        (Path(folder) / "tenants").mkdir()
        app = create_app({"TESTING": True, "SECRET_KEY": "routes only",
                          "PTCC_TENANTS_PATH": f"{folder}/tenants", "PTCC_INSTANCE_PATH": f"{folder}/instance"})
        return routes_of(app)
