"""What plugins declare to the search index (``ptcc_search_sources``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Document:
    """What the index keeps of one object: the words it is found by.

    ``title`` weighs more than ``body`` in the ranking. Both are plain text (Markdown is
    fine: punctuation separates words). ``language`` is the text's language when the
    source knows it ("" for the territory's own); ``public`` False keeps the document
    out of ``matching(..., public_only=True)``, for sources whose provider shows some
    documents to some people only.
    """

    title: str
    body: str = ""
    language: str = ""
    public: bool = True


@dataclass(frozen=True)
class Dependency:
    """Another model whose changes change documents of a source.

    ``targets(obj)`` answers the ids of the source's objects whose document reads
    ``obj`` (a list of ids, or a ``select`` of one id column). It is asked for new and
    deleted objects, and for changed ones when one of ``fields`` changed (any change
    when ``fields`` is None). For deleted objects it is asked before the flush, while
    the rows that the database's cascades will remove are still there.
    """

    model: type
    targets: Callable[[Any], Iterable[int] | Any]
    fields: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SearchSource:
    """One kind of indexed object.

    - ``kind``: unique, prefixed with the plugin's name (``"volunteering.mission"``);
    - ``model``: a mapped class with a single integer primary key;
    - ``document(obj)``: the object's ``Document``, or None when it must not be found
      (not public, withdrawn…): its document is then removed;
    - ``fields``: the attributes and relationships ``document`` reads; a changed object
      is indexed again only when one of them changed (None: at every change);
    - ``depends_on``: other models whose changes change these documents;
    - ``load``: a ``select`` of the model with the loader options ``document`` needs
      (``selectinload`` of its collections), used to index many objects at once
      (``ptcc search reindex``, dependencies): a constant number of queries per batch.
    """

    kind: str
    model: type
    document: Callable[[Any], Document | None]
    fields: tuple[str, ...] | None = None
    depends_on: tuple[Dependency, ...] = field(default_factory=tuple)
    load: Callable[[], Any] | None = None
