"""What a process learnt about territories' databases, kept apart from their engines
(``ptcc.tenancy.engines``: an evicted engine forgets nothing here)."""

from __future__ import annotations

import threading
from collections import OrderedDict

#: Territories whose facts one process keeps (``TerritoryFacts``): an entry is a slug and two
#: shared frozensets; one forgotten costs its next request a read of ``alembic_version``.
TERRITORY_FACTS = 4096


class TerritoryFacts:
    """What a process learnt about territories' databases, kept apart from their engines.

    Only positive answers: "migrated, at these revisions" and "these plugins' tables exist",
    so that a territory comes up as soon as an operator migrates it. The revisions read to
    answer "migrated" usually answer the plugins' readiness too (``ptcc.plugins.readiness``):
    a territory's first request reads its version table once. An engine evicted from the
    cache forgets nothing here; the structure itself is a bounded LRU, and territories at the
    same revisions share one frozenset, so a thousand of them cost a thousand small entries.
    """

    def __init__(self, size: int = TERRITORY_FACTS):
        self.size = size
        #: slug -> (revisions recorded in alembic_version, plugins whose tables exist).
        self._entries: OrderedDict[str, tuple[frozenset[str], frozenset[str]]] = OrderedDict()
        self._shared: dict[frozenset[str], frozenset[str]] = {}
        self._lock = threading.Lock()

    def heads(self, slug: str) -> frozenset[str] | None:
        """The revisions seen when the territory was found migrated; None when unknown."""
        with self._lock:
            entry = self._entries.get(slug)
            if entry is None:
                return None
            self._entries.move_to_end(slug)
            return entry[0]

    def ready(self, slug: str) -> frozenset[str]:
        return self._entries.get(slug, (None, frozenset()))[1]

    def remember(self, slug: str, heads=None, ready=()) -> None:
        """Record the revisions (when given) and add plugins found ready to what is known."""
        with self._lock:
            old_heads, old_ready = self._entries.get(slug, (None, frozenset()))
            # No revisions (none given, or an empty version table) is not "migrated".
            heads = self._share(frozenset(heads)) if heads else old_heads
            if heads is None:
                return
            self._entries[slug] = (heads, self._share(old_ready | frozenset(ready)))
            self._entries.move_to_end(slug)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def _share(self, value: frozenset[str]) -> frozenset[str]:
        if len(self._shared) > self.size:  # only ever a few distinct sets; never unbounded
            self._shared.clear()
        return self._shared.setdefault(value, value)

    def forget(self, slug: str) -> None:
        with self._lock:
            self._entries.pop(slug, None)

    def __len__(self) -> int:
        return len(self._entries)
