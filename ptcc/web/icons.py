"""Inline SVG icons for `ui.icon` (templates/_ui.html): Lucide's shapes, copied into
static/vendor/icons/ by `make assets` (ptcc/web/assets.py lists them)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from ptcc.web.assets import ICON_PACKAGE, ICONS, NODE_MODULES

VENDOR_ICONS = Path(__file__).resolve().parent / "static" / "vendor" / "icons"
_INNER = re.compile(r"<svg\b[^>]*>(.*)</svg>", re.S)
#: Only shapes: an icon file holding anything else is refused.
_ALLOWED = re.compile(r"^(?:\s*<(?:path|circle|rect|line|polyline|polygon|ellipse)\b[^<>]*/>)*\s*$")


class UnknownIcon(ValueError):
    pass


@lru_cache(maxsize=None)
def icon_svg(name: str) -> Markup:
    """The shapes inside the icon's <svg> element (the macro writes the element itself)."""
    if name not in ICONS:
        raise UnknownIcon(f"unknown icon {name!r}: add it to ptcc.web.assets.ICONS and run `make assets`")
    for folder in (VENDOR_ICONS, NODE_MODULES / ICON_PACKAGE / "icons"):
        path = folder / f"{name}.svg"
        if path.is_file():
            match = _INNER.search(path.read_text(encoding="utf-8"))
            inner = match.group(1) if match else ""
            if not _ALLOWED.match(inner):
                raise UnknownIcon(f"icon {name!r} holds more than shapes")
            return Markup(" ".join(inner.split()))
    return Markup("")  # assets not built: the page still renders, without the drawing
