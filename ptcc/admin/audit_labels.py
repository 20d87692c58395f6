"""What the audit log shows: a readable label for every action, thing and detail the code records.

Details are labelled in the context of their action's group (the part before the dot):
``name`` is the territory's name in ``territory.*`` entries and the organisation's in
``organisation.*``, ``membership.*`` and ``invitation.*`` entries. Values that are codes
(roles, kinds, circles, languages, yes/no) are shown as their labels.

``tests/admin/test_audit_labels.py`` reads every ``record(...)`` call of the code and fails
on an action, a detail or a changed field without a label here.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: Readable names of the audit actions; an action missing here would show its raw name.
ACTION_LABELS = {
    "territory.settings_changed": _l("Territory settings changed"),
    "user.role_changed": _l("Role changed"),
    "account.deleted": _l("Account deleted"),
    "account.admin_created": _l("First administrator created"),
    "account.deactivated": _l("Account deactivated"),
    "account.reactivated": _l("Account reactivated"),
    "report.created": _l("Content reported"),
    "report.content_hidden": _l("Reported content hidden"),
    "report.dismissed": _l("Report dismissed"),
    "report.content_restored": _l("Hidden content shown again"),
    "organisation.requested": _l("Organisation asked to join"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.refused": _l("Organisation refused"),
    "organisation.resubmitted": _l("Organisation asked again"),
    "organisation.updated": _l("Organisation profile changed"),
    "organisation.suspended": _l("Organisation suspended"),
    "organisation.reinstated": _l("Organisation reinstated"),
    "organisation.merged": _l("Duplicate organisation merged"),
    "organisation.commune_assigned": _l("Organisation's commune chosen from the list"),
    "membership.accepted": _l("Join request accepted"),
    "membership.refused": _l("Join request refused"),
    "membership.changed": _l("Member's role changed"),
    "membership.removed": _l("Member removed"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.cancelled": _l("Invitation cancelled"),
    "invitation.accepted": _l("Invitation accepted"),
    "legal.page_saved": _l("Legal page written"),
    "legal.page_restored": _l("Legal page's default text restored"),
    "legal.details_changed": _l("Legal details changed"),
}

#: The groups of actions (before the dot), for the log's filter.
GROUP_LABELS = {
    "territory": _l("The territory"),
    "user": _l("People's roles"),
    "account": _l("Accounts"),
    "organisation": _l("Organisations"),
    "membership": _l("Members of organisations"),
    "invitation": _l("Invitations to organisations"),
    "legal": _l("Legal pages"),
    "report": _l("Reports"),
}

#: Readable names of the things audit entries point at.
TARGET_LABELS = {
    "territorysettings": _l("Territory settings"),
    "user": _l("Person"),
    "organisation": _l("Organisation"),
    "membership": _l("Membership"),
    "legalpage": _l("Legal page"),
    "legaldetails": _l("Legal details"),
    "report": _l("Report"),
}

#: Readable names of the keys found in audit details and in their ``changes``.
FIELD_LABELS = {
    # the territory's settings
    "presentation": _l("Presentation"),
    "locales": _l("Offered languages"),
    "default_locale": _l("Default language"),
    "timezone": _l("Time zone"),
    "primary_color": _l("Main colour"),
    "accent_color": _l("Accent colour"),
    "logo": _l("Logo"),
    "banner": _l("Banner image"),
    "plugins": _l("Enabled plugins"),
    "plugin_settings": _l("Plugin settings"),
    # people
    "old_role": _l("Former role"),
    "new_role": _l("New role"),
    "role": _l("Role"),
    "person": _l("Person"),
    "email": _l("E-mail address"),
    "self_service": _l("Deleted by the person themselves"),
    # organisations
    "name": _l("Name"),
    "kind": _l("Kind of organisation"),
    "circle": _l("Circle"),
    "description": _l("Presentation"),
    "topics": _l("Topics"),
    "new_topics": _l("Other topics"),
    "commune": _l("Commune"),
    "commune_code": _l("Commune's INSEE code"),
    "website": _l("Website"),
    "declared_members": _l("Number of members"),
    "rna": _l("RNA number"),
    "siren": _l("SIREN number"),
    "siret": _l("SIRET number"),
    "reason": _l("Reason"),
    "may_sign": _l("May sign on behalf of the organisation"),
    "fields": _l("Changed"),
    "page": _l("Page"),
    "created": _l("First version"),
    "characters": _l("Characters"),
    "activity_names": _l("Names in the activity feed"),
    "content": _l("Content"),
    "title": _l("Title"),
    "decision": _l("Moderator's reason"),
    "reports": _l("Reports closed"),
    "merged_name": _l("Merged organisation"),
    "merged_id": _l("Merged organisation's number"),
    "merged_slug": _l("Merged organisation's address"),
    "memberships": _l("Memberships moved"),
    "invitations": _l("Invitations moved"),
    "topics_added": _l("Topics added"),
    "other_records": _l("Other records moved"),
}

#: Where a key means something else in a group of actions.
GROUP_FIELD_LABELS = {
    "territory": {"name": _l("Territory name"), "presentation": _l("Presentation of the territory")},
    "organisation": {"name": _l("Organisation")},
    "membership": {"name": _l("Organisation"), "role": _l("Role in the organisation")},
    "invitation": {"name": _l("Organisation"), "role": _l("Role in the organisation"),
                   "email": _l("Invited address")},
}

#: Keys whose values are language codes.
_LANGUAGE_KEYS = {"locales", "default_locale"}


def group_of(action: str) -> str:
    return (action or "").split(".", 1)[0]


def action_label(action: str) -> str:
    """The action's label; an action of the past that the code no longer knows keeps its name."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def group_label(group: str) -> str:
    label = GROUP_LABELS.get(group)
    return str(label) if label is not None else _("Everything about “%(prefix)s”", prefix=group)


def field_label(key: str, action: str = "") -> str:
    label = GROUP_FIELD_LABELS.get(group_of(action), {}).get(key) or FIELD_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def target_label(entry) -> str:
    if not entry.target_type:
        return "—"
    label = str(TARGET_LABELS.get(entry.target_type, _("Other")))
    if entry.target_type == "territorysettings" or not entry.target_id:
        return label
    return f"{label} #{entry.target_id}"


def _value_labels(key: str, group: str) -> dict:
    """Code → label for the keys whose values are codes."""
    if key in ("old_role", "new_role") or (key == "role" and group == "user"):
        from ptcc.admin.services import ROLE_LABELS

        return {role.value: label for role, label in ROLE_LABELS.items()}
    if key == "role" and group in ("membership", "invitation"):
        from ptcc.organisations.labels import ROLE_LABELS

        return {role.value: label for role, label in ROLE_LABELS.items()}
    if key in ("kind", "circle") and group == "organisation":
        from ptcc.organisations.labels import CIRCLE_LABELS, KIND_LABELS

        return {item.value: label for item, label in (KIND_LABELS if key == "kind" else CIRCLE_LABELS).items()}
    if key in _LANGUAGE_KEYS:
        from ptcc.i18n import LANGUAGE_NAMES

        return LANGUAGE_NAMES
    return {}


def shown(value, key: str = "", action: str = "") -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "fields" and isinstance(value, list):
        return ", ".join(field_label(str(name), action) for name in value)
    labels = _value_labels(key, group_of(action))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(labels.get(item, item)) if isinstance(item, str) else str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def describe_details(details: dict | None, action: str = "") -> list[tuple[str, str]]:
    """The details of an audit entry as (label, text) pairs; a change reads "old → new"."""
    details = details or {}
    rows = []
    changes = details.get("changes")
    if isinstance(changes, dict):
        for key in sorted(changes):
            change = changes[key]
            if isinstance(change, dict) and "old" in change:
                text = f"{shown(change.get('old'), key, action)} → {shown(change.get('new'), key, action)}"
            else:
                text = shown(change, key, action)
            rows.append((field_label(key, action), text))
    for key in sorted(details):
        if isinstance(changes, dict) and key in ("changes", "fields"):
            continue
        rows.append((field_label(key, action), shown(details[key], key, action)))
    return rows
