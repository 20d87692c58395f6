"""Rules of the code's shape that the hardening depends on."""

from __future__ import annotations

import ast
from pathlib import Path

import wtforms

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_nothing_below_admin_imports_it():
    """The territory's settings live with the tenancy: admin only edits them."""
    offenders = []
    for path in sorted((ROOT / "ptcc").rglob("*.py")):
        if path.is_relative_to(ROOT / "ptcc" / "admin"):
            continue
        if any(name == "ptcc.admin" or name.startswith("ptcc.admin.") for name in _imported_modules(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"modules importing ptcc.admin: {offenders}"


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_gets_the_shared_input_rules(app):
    """A form class of the core or of a plugin that bypasses ptcc.web.forms' bases would let
    control characters, huge integers and dates past the calendar through."""
    from ptcc.web.forms import FilterForm, Form

    ours = [cls for cls in _all_subclasses(wtforms.Form)
            if cls.__module__.startswith(("ptcc.", "ptcc_")) and not cls.__module__.startswith("ptcc.web.forms")]
    assert ours, "no form classes found: the check would prove nothing"
    bypassing = [f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, (Form, FilterForm))]
    assert not bypassing, f"forms not derived from ptcc.web.forms.Form / FilterForm: {bypassing}"
