"""Territory colours, and the WCAG contrast rule they must meet."""

from __future__ import annotations

import hashlib
import re

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def meets_aa(color: str, background: str = "#ffffff") -> bool:
    """Normal text needs 4.5:1 (WCAG 2.1 success criterion 1.4.3)."""
    return contrast_ratio(color, background) >= 4.5


def theme_stylesheet(settings) -> str:
    primary = settings.primary_color if HEX_RE.match(settings.primary_color) else "#1f4e8c"
    accent = settings.accent_color if HEX_RE.match(settings.accent_color) else "#8a3b12"
    return f":root {{ --primary: {primary}; --accent: {accent}; }}\n"


def theme_version(settings) -> str:
    """A short digest of the stylesheet: part of its address, so that a browser that cached
    the old colours asks for the new ones as soon as a page links them."""
    return hashlib.blake2b(theme_stylesheet(settings).encode(), digest_size=6).hexdigest()


def platform_url() -> str:
    """The platform's own page (its list of territories), linked by "powered by PTCC"."""
    from flask import current_app

    return current_app.config["PTCC_PLATFORM_URL"].rstrip("/") + "/"
