"""The typeface and the icons: copied from the npm packages by `make assets`, served by the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ptcc.web import assets
from ptcc.web.icons import icon_svg

CSS = Path(assets.__file__).parent / "static" / "ptcc.css"
FONT = "atkinson-hyperlegible-latin-400-normal.woff2"


@pytest.mark.skipif(not (assets.NODE_MODULES / assets.ICON_PACKAGE).is_dir(), reason="npm packages not installed (make assets)")
def test_build_copies_fonts_icons_and_licences(tmp_path):
    written = assets.build(assets.NODE_MODULES, tmp_path)
    fonts = sorted(p.name for p in (tmp_path / "fonts").glob("*.woff2"))
    assert fonts == sorted(assets.font_files()) and len(fonts) == 8
    assert {p.stem for p in (tmp_path / "icons").glob("*.svg")} == set(assets.ICONS)
    assert (tmp_path / "fonts" / "LICENSE-OFL-1.1.txt").read_text().count("SIL OPEN FONT LICENSE") >= 1
    assert "ISC" in (tmp_path / "icons" / "LICENSE-ISC.txt").read_text()
    assert len(written) == 8 + len(assets.ICONS) + 2


def test_build_says_what_is_missing(tmp_path):
    with pytest.raises(SystemExit, match="npm ci"):
        assets.build(tmp_path / "nothing", tmp_path / "out")


def test_the_stylesheet_declares_every_shipped_font_with_swap_and_a_fallback():
    css = CSS.read_text()
    for name in assets.font_files():
        assert f"url(../fonts/{name})" in css
    faces = re.findall(r"@font-face \{[^}]*\}", css)
    assert len(faces) == 8 and all("font-display: swap" in face for face in faces)
    assert re.search(r'--font-body: "Atkinson Hyperlegible", system-ui,[^;]*sans-serif;', css)


def test_fonts_are_served_with_a_long_cache(alpha, territory_client):
    response = alpha.get(f"/fonts/{FONT}")
    assert response.status_code == 200 and response.mimetype == "font/woff2"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert response.data[:4] == b"wOF2"
    prefixed = territory_client("alpha", prefix=True).get(f"/fonts/{FONT}")
    assert prefixed.status_code == 200


@pytest.mark.parametrize("name", ["LICENSE-OFL-1.1.txt", "../ptcc.css", "..%2Fptcc.css", "nope.woff2"])
def test_only_font_files_are_served(alpha, name):
    assert alpha.get(f"/fonts/{name}").status_code == 404


def test_every_listed_icon_has_a_drawing():
    for name in assets.ICONS:
        markup = str(icon_svg(name))
        assert markup.startswith("<") and "<svg" not in markup and "script" not in markup, name
