"""The one place where menu items from every enabled plugin are merged."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from ptcc.plugins.manager import plugin_manager
from ptcc.plugins.types import MenuItem


def menu_entries() -> list[tuple[MenuItem, str]]:
    """Allowed items of enabled plugins, ordered, each with its URL."""
    user = current_user._get_current_object()
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
