"""Territory colours: the WCAG contrast rule they must meet, and every shade derived from them.

A territory chooses two colours (``primary`` and ``accent``, each readable with white: see
``ptcc.admin.services.color_problem``). The pages need more than two: text on the colour,
links on white and on tinted boxes, tinted backgrounds, borders, a hover shade, a focus ring.
``derive_palette`` computes them all from the two colours and *guarantees* each one's contrast
against every background it is drawn on (``PAIRS``: 4.5:1 for text, 3:1 for borders and the
focus ring, WCAG 2.1 criteria 1.4.3 and 1.4.11) by moving its lightness until it passes.
``theme_stylesheet`` writes them as the CSS custom properties that ptcc.css uses.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from functools import lru_cache

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

DEFAULT_PRIMARY = "#1f4e8c"
DEFAULT_ACCENT = "#8a3b12"
WHITE = "#ffffff"
#: Neutrals of ptcc.css (they do not follow the territory).
TEXT = "#1b1b1b"
MUTED = "#4f535a"
SURFACE = "#f4f5f7"

TEXT_RATIO = 4.5
UI_RATIO = 3.0


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


# --- colour arithmetic in HLS -----------------------------------------------------------------


def _to_hls(color: str) -> tuple[float, float, float]:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)


def _from_hls(h: float, l: float, s: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h, min(max(l, 0.0), 1.0), min(max(s, 0.0), 1.0))
    return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))


def with_lightness(color: str, lightness: float, saturation: float | None = None) -> str:
    h, _l, s = _to_hls(color)
    return _from_hls(h, lightness, s if saturation is None else saturation)


def passes(color: str, backgrounds: tuple[str, ...], ratio: float) -> bool:
    return all(contrast_ratio(color, bg) >= ratio for bg in backgrounds)


def darken_until(color: str, backgrounds: tuple[str, ...], ratio: float) -> str:
    """``color``, made darker step by step until it has ``ratio`` against every background
    (black at worst, which has at least 4.5:1 against any background lighter than #767676)."""
    if passes(color, backgrounds, ratio):
        return color
    h, l, s = _to_hls(color)
    step = 0.01
    while l > 0:
        l -= step
        candidate = _from_hls(h, l, s)
        if passes(candidate, backgrounds, ratio):
            return candidate
    return "#000000"


def lighten_until(color: str, foregrounds: tuple[str, ...], ratio: float) -> str:
    """A background made lighter until every foreground has ``ratio`` on it (white at worst)."""
    if passes(color, foregrounds, ratio):
        return color
    h, l, s = _to_hls(color)
    while l < 1:
        l += 0.01
        candidate = _from_hls(h, l, s)
        if passes(candidate, foregrounds, ratio):
            return candidate
    return WHITE


def readable_on(background: str) -> str:
    """White or near-black, whichever reads on ``background`` (white when both do)."""
    if contrast_ratio(WHITE, background) >= TEXT_RATIO:
        return WHITE
    return "#000000" if contrast_ratio("#000000", background) >= contrast_ratio(WHITE, background) else WHITE


def _valid(color: str, default: str) -> str:
    return color.lower() if isinstance(color, str) and HEX_RE.match(color) else default


@lru_cache(maxsize=256)
def derive_palette(primary: str, accent: str) -> dict[str, str]:
    """Every custom property of the theme, by name (without the leading ``--``)."""
    primary = _valid(primary, DEFAULT_PRIMARY)
    accent = _valid(accent, DEFAULT_ACCENT)
    p = {"primary": primary, "accent": accent}
    p["on-primary"] = readable_on(primary)
    p["on-accent"] = readable_on(accent)
    # Hovered buttons: a little darker (or lighter, under dark text), text still readable.
    h, l, s = _to_hls(primary)
    shifts = (-0.08, 0.08) if p["on-primary"] == WHITE else (0.08, -0.08)
    hovers = [_from_hls(h, l + shift, s) for shift in shifts]
    p["primary-hover"] = next((c for c in hovers if c != primary and contrast_ratio(p["on-primary"], c) >= TEXT_RATIO),
                              primary)
    # Tinted backgrounds: the colour's hue, very light; body and muted text stay readable.
    p["primary-soft"] = lighten_until(with_lightness(primary, 0.955, min(s, 0.45)), (TEXT, MUTED), TEXT_RATIO)
    ha, la, sa = _to_hls(accent)
    p["accent-soft"] = lighten_until(with_lightness(accent, 0.955, min(sa, 0.55)), (TEXT, MUTED), TEXT_RATIO)
    light_backgrounds = (WHITE, SURFACE, p["primary-soft"], p["accent-soft"])
    # Coloured text (links, current menu entry, figures' icons) on white and tinted boxes.
    p["link"] = darken_until(primary, light_backgrounds, TEXT_RATIO)
    p["accent-text"] = darken_until(accent, light_backgrounds, TEXT_RATIO)
    # Borders of tinted boxes and inputs: a mid tint, 3:1 against the light backgrounds.
    p["primary-border"] = darken_until(with_lightness(primary, 0.62, min(s, 0.5)), light_backgrounds, UI_RATIO)
    # The focus ring: dark, in the primary's hue, 3:1 against every light background; and
    # it is drawn 2 px off a coloured button, over a white halo.
    p["focus"] = darken_until(with_lightness(primary, 0.18), light_backgrounds, UI_RATIO)
    return p


#: (foreground, background, minimum ratio): every pair of derived colours the CSS draws.
PAIRS: tuple[tuple[str, str, float], ...] = (
    ("on-primary", "primary", TEXT_RATIO),          # buttons, open menu button
    ("on-primary", "primary-hover", TEXT_RATIO),    # hovered buttons
    ("on-accent", "accent", TEXT_RATIO),
    ("link", "white", TEXT_RATIO),                  # links, secondary buttons, current menu entry
    ("link", "surface", TEXT_RATIO),                # links in filters, footer
    ("link", "primary-soft", TEXT_RATIO),           # links in flashes, figure tiles, badges
    ("link", "accent-soft", TEXT_RATIO),
    ("accent-text", "white", TEXT_RATIO),           # accent icons and text
    ("accent-text", "accent-soft", TEXT_RATIO),     # accent badges
    ("accent-text", "primary-soft", TEXT_RATIO),
    ("text", "primary-soft", TEXT_RATIO),           # body text on tinted boxes
    ("muted", "primary-soft", TEXT_RATIO),
    ("text", "accent-soft", TEXT_RATIO),
    ("muted", "accent-soft", TEXT_RATIO),
    ("primary-border", "white", UI_RATIO),          # borders of badges, inputs
    ("primary-border", "primary-soft", UI_RATIO),
    ("primary", "white", UI_RATIO),                 # the header's border, current-tab underline
    ("focus", "white", UI_RATIO),                   # focus ring on pages, cards
    ("focus", "surface", UI_RATIO),
    ("focus", "primary-soft", UI_RATIO),
    ("focus", "accent-soft", UI_RATIO),
)

FIXED = {"white": WHITE, "surface": SURFACE, "text": TEXT, "muted": MUTED}


def palette_pairs(primary: str, accent: str) -> list[tuple[str, str, str, str, float]]:
    """(fg name, fg colour, bg name, bg colour, minimum ratio) of every pair in ``PAIRS``."""
    colours = {**FIXED, **derive_palette(primary, accent)}
    return [(fg, colours[fg], bg, colours[bg], ratio) for fg, bg, ratio in PAIRS]


def theme_stylesheet(settings) -> str:
    palette = derive_palette(settings.primary_color, settings.accent_color)
    lines = "".join(f"  --{name}: {value};\n" for name, value in palette.items())
    return f":root {{\n{lines}}}\n"


def theme_version(settings) -> str:
    """A short digest of the stylesheet: part of its address, so that a browser that cached
    the old colours asks for the new ones as soon as a page links them."""
    return hashlib.blake2b(theme_stylesheet(settings).encode(), digest_size=6).hexdigest()


def platform_url() -> str:
    """The platform's own page (its list of territories), linked by "powered by PTCC"."""
    from flask import current_app

    return current_app.config["PTCC_PLATFORM_URL"].rstrip("/") + "/"
