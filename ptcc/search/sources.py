"""The sources every installed plugin declares (``ptcc_search_sources``), read once per application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from ptcc.search.types import Dependency, SearchSource

KIND_RE = re.compile(r"^[a-z][a-z0-9_]{1,30}\.[a-z][a-z0-9_]{0,27}$")


class SourceError(RuntimeError):
    """A plugin's ``ptcc_search_sources`` breaks the contract; the message says how."""


@dataclass
class Sources:
    """Every declared source, and which model's changes concern which source."""

    by_kind: dict[str, SearchSource] = field(default_factory=dict)
    #: Model class -> the sources indexing it.
    indexed: dict[type, list[SearchSource]] = field(default_factory=dict)
    #: Model class -> (source, dependency) pairs: its changes change those documents.
    watched: dict[type, list[tuple[SearchSource, Dependency]]] = field(default_factory=dict)
    #: Source kind -> owning plugin.
    owners: dict[str, str] = field(default_factory=dict)
    _concerned: dict[type, bool] = field(default_factory=dict)

    def add(self, owner: str, source: SearchSource) -> None:
        if not isinstance(source, SearchSource):
            raise SourceError(f"plugin {owner!r}: ptcc_search_sources must return SearchSource objects, "
                              f"not {source!r}")
        if not KIND_RE.match(source.kind) or not source.kind.startswith(f"{owner}."):
            raise SourceError(f"plugin {owner!r}: search kind {source.kind!r} must be '{owner}.<name>' "
                              "(lowercase letters, digits, underscores; at most 60 characters)")
        if source.kind in self.by_kind:
            raise SourceError(f"search kind {source.kind!r} is declared twice")
        mapper = sa.inspect(source.model, raiseerr=False)
        if mapper is None or len(mapper.primary_key) != 1:
            raise SourceError(f"search kind {source.kind!r}: {source.model!r} must be a mapped class with "
                              "one primary key column")
        _check_fields(source.kind, mapper, source.fields)
        for dependency in source.depends_on:
            if not isinstance(dependency, Dependency):
                raise SourceError(f"search kind {source.kind!r}: depends_on holds Dependency objects, "
                                  f"not {dependency!r}")
            watched = sa.inspect(dependency.model, raiseerr=False)
            if watched is None:
                raise SourceError(f"search kind {source.kind!r}: {dependency.model!r} is not a mapped class")
            _check_fields(source.kind, watched, dependency.fields)
        self.by_kind[source.kind] = source
        self.owners[source.kind] = owner
        self.indexed.setdefault(source.model, []).append(source)
        for dependency in source.depends_on:
            self.watched.setdefault(dependency.model, []).append((source, dependency))

    def concerns(self, cls: type) -> bool:
        """Whether objects of ``cls`` (or of a subclass of a declared model) feed the index."""
        found = self._concerned.get(cls)
        if found is None:
            found = any(issubclass(cls, model) for model in (*self.indexed, *self.watched))
            self._concerned[cls] = found
        return found

    def indexing(self, cls: type) -> list[SearchSource]:
        return [source for model, sources in self.indexed.items() if issubclass(cls, model) for source in sources]

    def watching(self, cls: type) -> list[tuple[SearchSource, Dependency]]:
        return [pair for model, pairs in self.watched.items() if issubclass(cls, model) for pair in pairs]


def _check_fields(kind: str, mapper, fields) -> None:
    unknown = [name for name in fields or () if name not in mapper.attrs]
    if unknown:
        raise SourceError(f"search kind {kind!r}: {mapper.class_.__name__} has no attribute "
                          f"{', '.join(map(repr, unknown))} (fields)")


def build(manager) -> Sources:
    sources = Sources()
    for owner, declared in manager.each_result("ptcc_search_sources"):
        for source in declared or []:
            sources.add(owner, source)
    return sources


def sources(app=None) -> Sources:
    """The application's sources, collected at the first call."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("ptcc_search_sources")
    if found is None:
        manager = app.extensions["ptcc"].plugins
        found = build(manager) if manager is not None else Sources()
        app.extensions["ptcc_search_sources"] = found
    return found
