"""Copy the front-end assets PTCC ships from node_modules/ into ptcc/web/static/vendor/.

Run by `make assets` after `npm ci` (standard library only: it runs before the venv exists):

    python3 ptcc/web/assets.py [NODE_MODULES] [DEST]

The typeface is Atkinson Hyperlegible (@fontsource/atkinson-hyperlegible, SIL OFL 1.1): its
latin and latin-ext woff2 files, regular and bold, upright and italic. The icons are Lucide's
(lucide-static, ISC): only the ones named in ICONS, which is also the list `ui.icon` accepts.
The vendor folder is generated, never committed (.gitignore).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
DEST = Path(__file__).resolve().parent / "static" / "vendor"

FONT_PACKAGE = "@fontsource/atkinson-hyperlegible"
FONT_FAMILY = "atkinson-hyperlegible"
FONT_SUBSETS = ("latin", "latin-ext")
FONT_WEIGHTS = ("400", "700")
FONT_STYLES = ("normal", "italic")

ICON_PACKAGE = "lucide-static"
#: Every icon the templates may ask for (`{{ ui.icon("name") }}`).
ICONS = (
    "activity", "arrow-right", "building-2", "calendar", "check", "chevron-down", "chevron-left",
    "chevron-right", "circle-check", "circle-x", "compass", "download", "external-link", "flag",
    "globe", "handshake", "house", "inbox", "info", "languages", "log-in", "log-out", "mail",
    "map-pin", "menu", "pencil", "phone", "plus", "search", "settings", "shield", "sparkles",
    "trash-2", "triangle-alert", "user", "user-plus", "users", "x",
)


def font_files() -> list[str]:
    return [
        f"{FONT_FAMILY}-{subset}-{weight}-{style}.woff2"
        for subset in FONT_SUBSETS for weight in FONT_WEIGHTS for style in FONT_STYLES
    ]


def build(node_modules: Path = NODE_MODULES, dest: Path = DEST) -> list[Path]:
    """Copy the fonts, the icons and their licences; returns the files written."""
    font_src = node_modules / FONT_PACKAGE
    icon_src = node_modules / ICON_PACKAGE
    missing = [str(p) for p in (font_src, icon_src) if not p.is_dir()]
    if missing:
        raise SystemExit(f"missing npm packages (run `npm ci`): {', '.join(missing)}")
    written: list[Path] = []

    def copy(src: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(target)

    for name in font_files():
        copy(font_src / "files" / name, dest / "fonts" / name)
    copy(font_src / "LICENSE", dest / "fonts" / "LICENSE-OFL-1.1.txt")
    for name in ICONS:
        copy(icon_src / "icons" / f"{name}.svg", dest / "icons" / f"{name}.svg")
    copy(icon_src / "LICENSE", dest / "icons" / "LICENSE-ISC.txt")
    return written


def main(argv: list[str]) -> int:
    node_modules = Path(argv[0]) if argv else NODE_MODULES
    dest = Path(argv[1]) if len(argv) > 1 else DEST
    written = build(node_modules, dest)
    print(f"{len(written)} asset files in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
