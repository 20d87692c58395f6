"""Every action, detail and changed field the code records has a readable label in the log."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ptcc.admin.audit_labels import ACTION_LABELS, FIELD_LABELS, GROUP_FIELD_LABELS, GROUP_LABELS, group_of
from ptcc.audit.services import record
from ptcc.extensions import db
from ptcc.testing.factories import DEFAULT_PASSWORD
from tests.admin.conftest import table_rows

ROOT = Path(__file__).resolve().parents[2]


def _sources():
    yield from (ROOT / "ptcc").rglob("*.py")
    yield from (ROOT / "plugins").glob("*/*/**/*.py")


def _dict_keys(node) -> set[str]:
    if isinstance(node, ast.Dict):
        return {key.value for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}
    return set()


def recorded_calls() -> list[tuple[str, str, set[str], set[str] | None]]:
    """(where, action, detail keys, keys of a literal ``changes`` dict or None) of every
    ``record(actor, "action", …)`` of the code, read from its syntax tree."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            # Dicts assigned in the function, for ``record(..., **details)``.
            assigned = {target.id: _dict_keys(node.value) for node in ast.walk(function) if isinstance(node, ast.Assign)
                        for target in node.targets if isinstance(target, ast.Name)}
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                if name != "record" or len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
                    continue
                keys, changes = set(), None
                for keyword in call.keywords:
                    if keyword.arg is None:
                        keys |= assigned.get(getattr(keyword.value, "id", ""), set())
                    elif keyword.arg == "changes":
                        keys.add("changes")
                        changes = _dict_keys(keyword.value) if isinstance(keyword.value, ast.Dict) else None
                    elif keyword.arg != "target":
                        keys.add(keyword.arg)
                found.append((f"{path.relative_to(ROOT)}:{call.lineno}", call.args[1].value, keys - {"changes"},
                              changes))
    return found


def labelled(key: str, action: str) -> bool:
    return key in GROUP_FIELD_LABELS.get(group_of(action), {}) or key in FIELD_LABELS


def test_every_recorded_action_and_key_has_a_label():
    calls = recorded_calls()
    actions = {action for _where, action, _keys, _changes in calls}
    # The pattern still finds the code's calls (the old regular-expression test found these).
    assert {"territory.settings_changed", "organisation.updated", "membership.accepted",
            "organisation.commune_assigned"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert sorted({group_of(action) for action in actions} - set(GROUP_LABELS)) == []
    missing = [(where, action, key) for where, action, keys, changes in calls
               for key in sorted(keys | (changes or set())) if not labelled(key, action)]
    assert missing == []
    # ``**details`` was followed: the join requests' details are seen.
    accepted = [keys for _where, action, keys, _changes in calls if action == "membership.accepted"]
    assert accepted and {"name", "person"} <= accepted[0]


def test_changed_fields_built_at_run_time_have_labels():
    """``changes`` that are not literal dicts: the settings and the organisation's profile."""
    from ptcc.admin.services import SETTING_CLEANERS
    from ptcc.organisations.services import PROFILE_FIELDS

    settings = set(SETTING_CLEANERS) | {"logo", "banner", "plugin_settings"}
    assert sorted(key for key in settings if not labelled(key, "territory.settings_changed")) == []
    profile = set(PROFILE_FIELDS) | {"commune_code"}
    assert sorted(key for key in profile if not labelled(key, "organisation.updated")) == []


def test_the_log_shows_labels_only_in_french(alpha, make_user, in_territory):
    """No raw key, no action code beside its label, and an organisation's name is not the territory's."""
    admin = make_user(tenant="alpha", email="admin@example.org", role="admin", locale="fr")
    with in_territory():
        record(admin, "territory.settings_changed", fields=["name"],
               changes={"name": {"old": "Alpha", "new": "Alpha bis"},
                        "default_locale": {"old": "fr", "new": "en"}})
        record(admin, "organisation.updated", name="Vélo Cité", fields=["commune", "commune_code", "kind", "name"],
               changes={"name": {"old": "Velo", "new": "Vélo Cité"},
                        "kind": {"old": "association", "new": "third_place"},
                        "commune": {"old": "Lyon", "new": "Villeurbanne"},
                        "commune_code": {"old": "69123", "new": "69266"}})
        record(admin, "membership.changed", name="Vélo Cité", person="Léa <lea@example.org>",
               changes={"role": {"old": "member", "new": "owner"}, "may_sign": {"old": False, "new": True}})
        record(admin, "invitation.sent", name="Vélo Cité", email="x@example.org", role="member", may_sign=False)
        record(None, "account.deleted", self_service=True)
        db.session.commit()
    alpha.login(admin.email, DEFAULT_PASSWORD)
    page = alpha.get("/admin/audit").get_data(as_text=True)
    rows = table_rows(page)
    assert rows.count("Nom du territoire") == 1
    assert "<dt>Nom du territoire</dt><dd>Alpha → Alpha bis</dd>" in rows
    assert "<dt>Langue par défaut</dt><dd>Français → English</dd>" in rows
    assert "<dt>Organisation</dt><dd>Velo → Vélo Cité</dd>" in rows
    assert "Association → Tiers-lieu" in rows
    assert "<dt>Rôle dans l’organisation</dt><dd>Membre → Responsable</dd>" in rows
    assert "Non → Oui" in rows
    for raw in ("territory.settings_changed", "organisation.updated", "membership.changed", "invitation.sent",
                "account.deleted", "commune_code", "may_sign", "self_service", "default_locale", "third_place",
                "badge"):
        assert raw not in rows, raw
    # The filter names the groups, not their codes.
    filters = page.split("<tbody>")[0]
    assert re.search(r'<option value="organisation">Organisations</option>', filters)
    assert "Everything about" not in filters and "Tout sur" not in filters
