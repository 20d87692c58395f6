"""The one place where menu items from every enabled plugin are merged."""

from __future__ import annotations

from dataclasses import replace

from flask import has_request_context, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BuildError

from ptcc.caching import cached_per_territory
from ptcc.plugins.manager import plugin_manager
from ptcc.plugins.types import MenuItem


def menu_entries() -> list[tuple[MenuItem, str]]:
    """Allowed items of enabled plugins, ordered, each with its URL.

    Every page draws the menu: the hooks' items (labels translated one by one), their
    permissions and a ``url_for`` each cost more than the rest of a small page. The entries
    are kept per territory and data version (``ptcc.caching``) and per person, language, URL
    root and active plugins: what the hooks are given (``ptcc_menu_items(user)``) or read.
    The person's id is in the key, so one person's menu is never another's; a new role, a
    setting or a plugin enabled is a write, hence a new data version. The items kept have no
    ``permission`` (a callable is not plain data): the permission was applied already.
    """
    user = current_user._get_current_object() if has_request_context() else None
    active = tuple(sorted(plugin_manager().active_names()))
    root = request.script_root if has_request_context() else ""
    return list(_kept_entries(_person_key(user), str(get_locale()), root, active))


def _person_key(user) -> int | None:
    return user.id if user is not None and user.is_authenticated else None


@cached_per_territory("web.menu")
def _kept_entries(_person: int | None, _locale: str, _root: str, _active: tuple[str, ...]):
    # The arguments are the key; the work reads the same person, language and root. Plain
    # values only: the label as text (a plugin may give a lazy string), no callable.
    return tuple((replace(item, label=str(item.label), permission=None, url_values=dict(item.url_values)), url)
                 for item, url in _allowed_entries())


def _allowed_entries() -> list[tuple[MenuItem, str]]:
    user = current_user._get_current_object() if has_request_context() else None
    items: list[MenuItem] = []
    for contributed in plugin_manager().hook("ptcc_menu_items")(user=user):
        items.extend(contributed or [])
    entries = []
    for item in sorted(items, key=lambda i: (i.order, i.label)):
        if not item.allowed(user):
            continue
        try:
            entries.append((item, url_for(item.endpoint, **item.url_values)))
        except BuildError:
            continue
    return entries


def blocks(hook_name: str, **kwargs):
    found = []
    for contributed in plugin_manager().hook(hook_name)(**kwargs):
        found.extend(contributed or [])
    return sorted(found, key=lambda b: b.order)
