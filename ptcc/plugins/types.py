"""Values that hooks return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask_login import AnonymousUserMixin


@dataclass(frozen=True)
class PluginInfo:
    """What every plugin module declares as ``PLUGIN``.

    ``name`` is the prefix of its tables, its Alembic branch label and its CLI group.
    """

    name: str
    version: str
    #: For operators (``ptcc plugin list``), in English.
    description: str
    #: Core modules are always enabled and exempt from the table prefix rule.
    core: bool = False
    #: For the people of a territory (the settings page): a lazy string of the plugin's
    #: own gettext domain, so that it reads in the page's language.
    title: object = None

    @property
    def label(self) -> str:
        return str(self.title) if self.title is not None else self.description or self.name


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
    """A kind of entry of the activity feed, e.g. ``volunteering.mission_posted``."""

    #: Unique across plugins; prefix it with the plugin name.
    name: str
    #: Shown beside each entry; give a lazy string (``lazy_gettext``).
    label: str


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    #: Translated label of the kind of thing found ("Mission", "Organisation"…).
    kind: str
    #: Plain text; templates escape it.
    excerpt: str = ""
    #: Higher first once every provider's results are merged; keep it in [0, 1].
    score: float = 0.0


@dataclass(frozen=True)
class Dataset:
    title: str
    description: str
    #: Each format with the endpoint that serves it, e.g. {"CSV": "volunteering.open_missions_csv"},
    #: or with ``(endpoint, url_values)``.
    formats: dict
    licence: str = "Licence Ouverte / Open Licence 2.0"


@dataclass(frozen=True)
class ReportableType:
    """A kind of content people may report to the moderators (``ptcc_reportable_types``).

    Every function runs inside the territory and a request; ``hide`` and ``unhide`` flush,
    never commit (the reports service records the decision in the same transaction).
    """

    #: ``"<plugin>.<thing>"``, e.g. ``"volunteering.mission"``; part of the report page's address.
    name: str
    #: What the thing is called ("Mission"): a lazy string.
    label: str
    #: ``load(object_id) -> object | None``: the object of this territory, hidden or not.
    load: Callable[[int], object | None]
    #: ``title(obj) -> str``: plain text shown in the queue and in e-mails.
    title: Callable[[object], str]
    #: ``url(obj) -> str``: the object's page (for the moderators, who see it even hidden).
    url: Callable[[object], str]
    #: ``hide(obj, reason) -> None``: from then on only moderators and the object's owners see it.
    hide: Callable[[object, str], None]
    #: ``unhide(obj) -> None``: visible again under the usual rules.
    unhide: Callable[[object], None]
    #: ``is_hidden(obj) -> bool``.
    is_hidden: Callable[[object], bool]
    #: ``owners(obj) -> list of User``: told when it is hidden (none by default).
    owners: Callable[[object], list] = lambda obj: []
    #: ``may_report(obj, user) -> bool``: whether this person may see (hence report) the object.
    may_report: Callable[[object, object], bool] = lambda obj, user: True
