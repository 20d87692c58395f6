"""Templates build their pages from the components of _ui.html: none writes its own table, card,
description list, figure, badge, empty state, breadcrumbs, pagination or page title.

Every template folder of the core (``ptcc/**/templates``) and of the plugins (``plugins/**/templates``,
the sample plugins of the tests too) is scanned, so a new template is covered without a new test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ptcc" / "web" / "templates" / "_ui.html"

#: Elements only _ui.html writes (data_table, description_list, page_header).
ELEMENTS = re.compile(r"<(table|thead|tbody|caption|dl|dt|dd|h1)\b", re.IGNORECASE)
#: Classes of _ui.html's components: a template asks the macro instead of copying its markup.
COMPONENT_CLASSES = {
    "card", "cards", "card-title", "card-meta", "card-body", "data-table", "table-wrap", "details",
    "details-row", "figure", "figures", "figure-tile", "figure-value", "figure-label", "badge",
    "empty-state", "breadcrumbs", "pagination", "page-header", "page-header-row", "tabs", "flash",
}
#: What a template may write itself, and why: (template, finding without its line number).
ALLOWED = {
    # The home page's title is the hero's, over the territory's banner: it is its page header.
    ("ptcc/web/templates/web/home.html", "<h1"),
}
CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def template_files() -> list[Path]:
    folders = [
        *(ROOT / "ptcc").glob("**/templates"),
        *(ROOT / "plugins").glob("**/templates"),
        *(ROOT / "tests" / "plugins").glob("**/templates"),
    ]
    files = {path for folder in folders for path in folder.rglob("*.html")}
    return sorted(files - {UI})


def raw_markup(text: str) -> list[str]:
    """What a template writes that belongs to _ui.html: "line 12: <table", "line 3: class card"."""
    text = JINJA_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in ELEMENTS.finditer(line):
            found.append(f"line {number}: <{match.group(1).lower()}")
        for match in CLASS_ATTRIBUTE.finditer(line):
            # A class computed by Jinja ({{ … }}) is not markup of a component; its literal words are.
            words = set(JINJA_CODE.sub(" ", match.group(2)).split())
            for word in sorted(words & COMPONENT_CLASSES):
                found.append(f"line {number}: class {word}")
    return found


def test_the_scan_finds_the_templates_of_the_core_and_of_the_plugins():
    names = {path.relative_to(ROOT).as_posix() for path in template_files()}
    assert "ptcc/web/templates/base.html" in names
    assert "ptcc/organisations/templates/organisations/directory.html" in names
    assert "plugins/volunteering/ptcc_volunteering/templates/volunteering/index.html" in names
    assert "ptcc/web/templates/_ui.html" not in names  # the one place the markup lives
    assert len(names) > 40


def test_the_scan_recognises_raw_markup():
    assert raw_markup('<div class="table-wrap">\n<table>') == ["line 1: class table-wrap", "line 2: <table"]
    assert raw_markup('<li class="card notice">') == ["line 1: class card"]
    assert raw_markup("<ul class='cards'><span class=\"badge\">x</span>") == ["line 1: class cards", "line 1: class badge"]
    assert raw_markup("<h1>{{ title }}</h1>\n<dl class=\"x\">") == ["line 1: <h1", "line 2: <dl"]
    assert raw_markup("{# a <table> in a comment #}\n<p class=\"help {{ 'card' }}\">") == []
    assert raw_markup('<p class="cardinal">{{ ui.card("x") }}</p>') == []


@pytest.mark.parametrize("path", template_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_templates_write_no_component_markup_of_their_own(path):
    name = path.relative_to(ROOT).as_posix()
    found = [item for item in raw_markup(path.read_text(encoding="utf-8"))
             if (name, item.split(": ", 1)[1]) not in ALLOWED]
    assert not found, (
        f"{path.relative_to(ROOT)} writes markup that _ui.html owns ({', '.join(found)}): "
        '{% import "_ui.html" as ui %} and use its macros (its header comment lists them)'
    )
