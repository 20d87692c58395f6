"""Values that hooks return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask_login import AnonymousUserMixin


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    description: str
    #: Core modules are always enabled and exempt from the table prefix rule.
    core: bool = False


@dataclass(frozen=True)
class MenuItem:
    #: Already translated (build it with gettext inside the hook).
    label: str
    endpoint: str
    order: int = 100
    #: Called with the current user; the item shows only when it answers True.
    permission: Callable[[object], bool] | None = None
    url_values: dict = field(default_factory=dict)

    def allowed(self, user) -> bool:
        if self.permission is None:
            return True
        if user is None:
            user = AnonymousUserMixin()
        return bool(self.permission(user))


@dataclass(frozen=True)
class Block:
    """A fragment of a page: a template rendered with ``context``."""

    template: str
    order: int = 100
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityType:
    name: str
    label: str


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    kind: str
    excerpt: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class Dataset:
    title: str
    description: str
    #: Each format with the endpoint that serves it, e.g. {"CSV": "volunteering.open_missions_csv"}.
    formats: dict
    licence: str = "Licence Ouverte / Open Licence 2.0"
