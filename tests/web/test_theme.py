"""Territory colours (ptcc.web.theme): every derived shade keeps its contrast (WCAG AA)."""

from __future__ import annotations

import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from ptcc.web.theme import (
    DEFAULT_ACCENT, DEFAULT_PRIMARY, contrast_ratio, derive_palette, meets_aa, palette_pairs,
    theme_stylesheet,
)

#: #rrggbb colours, any of the 16.7 million.
colours = st.integers(min_value=0, max_value=0xFFFFFF).map(lambda n: f"#{n:06x}")


def accepted(colour: str) -> bool:
    """What the settings accept (ptcc.admin.services.color_problem): readable with white."""
    return meets_aa(colour, "#ffffff")


@settings(max_examples=300, deadline=None)
@given(primary=colours, accent=colours)
@example(primary="#767676", accent="#767676")   # the lightest grey the settings accept
@example(primary="#000000", accent="#000000")
@example(primary="#0000ff", accent="#d60000")   # saturated, at the edge
@example(primary="#757500", accent="#007a00")   # yellows and greens just dark enough
def test_every_derived_pair_meets_its_ratio(primary, accent):
    assume(accepted(primary) and accepted(accent))
    for fg, fg_colour, bg, bg_colour, ratio in palette_pairs(primary, accent):
        assert contrast_ratio(fg_colour, bg_colour) >= ratio, (primary, accent, fg, fg_colour, bg, bg_colour)


@settings(max_examples=50, deadline=None)
@given(primary=colours, accent=colours)
def test_the_stylesheet_writes_every_shade_as_hex(primary, accent):
    assume(accepted(primary) and accepted(accent))

    class Settings:
        primary_color = primary
        accent_color = accent

    css = theme_stylesheet(Settings)
    names = set(re.findall(r"--([a-z-]+): #[0-9a-f]{6};", css))
    assert names == set(derive_palette(primary, accent))


def test_a_colour_that_passes_is_kept_and_one_that_does_not_is_darkened():
    palette = derive_palette("#1f4e8c", "#8a3b12")
    assert palette["primary"] == palette["link"] == "#1f4e8c"  # already 4.5:1 on every background
    assert palette["on-primary"] == "#ffffff"
    grey = derive_palette("#767676", "#767676")
    assert grey["link"] != "#767676" and contrast_ratio(grey["link"], grey["primary-soft"]) >= 4.5
    assert contrast_ratio(grey["link"], "#767676") < 1.2  # still the same grey, only darker


def test_invalid_stored_colours_fall_back_to_the_defaults():
    assert derive_palette("red", "#12345") == derive_palette(DEFAULT_PRIMARY, DEFAULT_ACCENT)


def test_theme_css_carries_the_derived_shades(alpha):
    css = alpha.get("/theme.css").get_data(as_text=True)
    for name in ("primary", "on-primary", "link", "primary-soft", "primary-border", "accent-text", "focus"):
        assert f"--{name}: #" in css
