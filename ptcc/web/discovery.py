"""Territory-wide pages fed by every active plugin: search and open data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import url_for
from werkzeug.routing import BuildError

from ptcc.plugins.manager import plugin_manager
from ptcc.plugins.types import Dataset, SearchResult

QUERY_MAX = 200
PER_PROVIDER = 20


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    results: list[SearchResult]
    #: (kind, number of results) by decreasing number.
    kinds: list[tuple[str, int]]


def search_everywhere(query: str, user, limit: int = PER_PROVIDER) -> SearchOutcome:
    """Ask every active provider (``ptcc_search``) and merge: best score first."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    if not query:
        return SearchOutcome("", [], [])
    found: list[SearchResult] = []
    for contributed in plugin_manager().hook("ptcc_search")(query=query, user=user, limit=limit):
        found.extend((contributed or [])[:limit])
    found.sort(key=lambda r: (-r.score, r.title.casefold()))
    kinds = Counter(r.kind for r in found).most_common()
    return SearchOutcome(query, found, kinds)


@dataclass(frozen=True)
class DatasetLink:
    format: str
    url: str


@dataclass(frozen=True)
class ListedDataset:
    dataset: Dataset
    plugin: str
    links: list[DatasetLink]


def _build(target) -> str | None:
    endpoint, values = (target, {}) if isinstance(target, str) else (target[0], dict(target[1]))
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def open_datasets() -> list[ListedDataset]:
    """Every active plugin's datasets (``ptcc_open_data_datasets``), by title."""
    manager = plugin_manager()
    active = manager.active_names()
    listed = []
    for name, datasets in manager.each_result("ptcc_open_data_datasets"):
        if name not in active:
            continue
        for dataset in datasets or []:
            links = [DatasetLink(fmt, url) for fmt, target in dataset.formats.items()
                     if (url := _build(target)) is not None]
            if links:
                listed.append(ListedDataset(dataset, manager.infos[name].label, links))
    return sorted(listed, key=lambda item: str(item.dataset.title).casefold())
