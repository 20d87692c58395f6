"""The platform's search index: one table per territory that every pillar and plugin feeds.

A plugin declares what it indexes with ``ptcc_search_sources`` (``SearchSource``: a kind,
a model, a function from an object to its ``Document`` or None). The index then follows
the ORM by itself (``ptcc.search.maintenance``: session events, in the writer's
transaction), ``ptcc search reindex`` rebuilds it (``ptcc.search.rebuild``), and
providers ask it with ``matching`` (``ptcc.search.query``) inside their ``ptcc_search``,
joined to their own tables so that their visibility rules still apply (or with ``ranked`` and
``search_parameters``, for a statement built once and executed with each query's terms).

Importing this package installs the session events and the models.
"""

from ptcc.search import maintenance as _maintenance  # noqa: F401  (session events)
from ptcc.search.maintenance import refresh
from ptcc.search.models import SearchDocument
from ptcc.search.query import dialect_of, matching, ranked, score, search_parameters
from ptcc.search.types import Dependency, Document, SearchSource

__all__ = ["Dependency", "Document", "SearchDocument", "SearchSource", "dialect_of", "matching", "ranked", "refresh",
           "score", "search_parameters"]
