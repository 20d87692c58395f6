"""Territory administration: settings, people and roles, the audit log.

Every function checks the actor's role first, then changes things and flushes;
the view commits.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ptcc.accounts.models import Role, User
from ptcc.accounts.permissions import require_role
from ptcc.audit.models import AuditEntry
from ptcc.audit.services import record
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.i18n import SUPPORTED_LOCALES
from ptcc.plugins import settings as plugin_choice
from ptcc.tenancy.models import TerritorySettings
from ptcc.tenancy.settings import forget_cached_settings, territory_settings
from ptcc.web.theme import HEX_RE, contrast_ratio, meets_aa

#: Readable names of the audit actions we know; others show their raw name.
ACTION_LABELS = {
    "territory.settings_changed": _l("Territory settings changed"),
    "user.role_changed": _l("Role changed"),
    "account.deleted": _l("Account deleted"),
    "account.admin_created": _l("First administrator created"),
    "organisation.requested": _l("Organisation asked to join"),
    "organisation.approved": _l("Organisation approved"),
    "organisation.refused": _l("Organisation refused"),
    "organisation.resubmitted": _l("Organisation asked again"),
    "organisation.updated": _l("Organisation profile changed"),
    "membership.accepted": _l("Join request accepted"),
    "membership.refused": _l("Join request refused"),
    "membership.changed": _l("Member's role changed"),
    "membership.removed": _l("Member removed"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.cancelled": _l("Invitation cancelled"),
    "invitation.accepted": _l("Invitation accepted"),
}

#: Readable names of the things audit entries point at.
TARGET_LABELS = {
    "territorysettings": _l("Territory settings"),
    "user": _l("Person"),
    "organisation": _l("Organisation"),
    "membership": _l("Membership"),
}

#: Readable names of the keys found in audit details.
DETAIL_LABELS = {
    "name": _l("Territory name"),
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
    "old_role": _l("Former role"),
    "new_role": _l("New role"),
    "person": _l("Person"),
}

ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.MODERATOR: _l("Moderator"),
    Role.ADMIN: _l("Administrator"),
}

#: Image types accepted as a logo: extension -> test on the file's first bytes.
LOGO_TYPES = {
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}
LOGO_EXTENSIONS = ("png", "jpg", "jpeg", "webp")

#: Colour fields and what they are checked against: both are shown as a background
#: behind white text and as text on white, so both need 4.5:1 against white.
COLOR_FIELDS = ("primary_color", "accent_color")


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS[Role(role)])


def target_label(entry: AuditEntry) -> str:
    if not entry.target_type:
        return "—"
    label = str(TARGET_LABELS.get(entry.target_type, entry.target_type))
    if entry.target_type == "territorysettings" or not entry.target_id:
        return label
    return f"{label} #{entry.target_id}"


def _shown(value, key: str = "") -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if key in ("old_role", "new_role") and value in {r.value for r in Role}:
        return role_label(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def describe_details(details: dict | None) -> list[tuple[str, str]]:
    """The details of an audit entry as (label, text) pairs; a change reads "old → new"."""
    details = details or {}
    rows = []
    changes = details.get("changes")
    if isinstance(changes, dict):
        for key in sorted(changes):
            change = changes[key]
            if isinstance(change, dict) and "old" in change:
                text = f"{_shown(change.get('old'), key)} → {_shown(change.get('new'), key)}"
            else:
                text = _shown(change, key)
            rows.append((str(DETAIL_LABELS.get(key, key)), text))
    for key in sorted(details):
        if isinstance(changes, dict) and key in ("changes", "fields"):
            continue
        rows.append((str(DETAIL_LABELS.get(key, key)), _shown(details[key], key)))
    return rows


# --- validation, shared by the forms and the services --------------------------------


def color_problem(value: str) -> str | None:
    """None when ``value`` is a ``#rrggbb`` colour readable with white; else why not."""
    if not HEX_RE.match(value or ""):
        return _("Give a colour as #rrggbb, for instance #1f4e8c.")
    if not meets_aa(value.lower(), "#ffffff"):
        ratio = contrast_ratio(value.lower(), "#ffffff")
        return _(
            "This colour has a contrast ratio of %(ratio)s:1 with white; at least 4.5:1 is needed "
            "so that text stays readable (WCAG AA). Choose a darker colour.",
            ratio=format_decimal(ratio, format="0.00"),
        )
    return None


def timezone_problem(value: str) -> str | None:
    if value not in available_timezones():
        return _("Choose a time zone from the list, for instance Europe/Paris.")
    return None


def locales_problem(locales: list[str], default_locale: str | None = None) -> tuple[str, str] | None:
    """(field, message) when the languages are not acceptable."""
    if not locales:
        return "locales", _("Offer at least one language.")
    unknown = [code for code in locales if code not in SUPPORTED_LOCALES]
    if unknown:
        return "locales", _("Unknown language: %(codes)s.", codes=", ".join(unknown))
    if default_locale is not None and default_locale not in locales:
        return "default_locale", _("The default language must be one of the offered languages.")
    return None


def detect_logo_type(head: bytes) -> str | None:
    """The image type named by the file's first bytes, or None."""
    for extension, matches in LOGO_TYPES.items():
        if matches(head):
            return extension
    return None


def logo_problem(data: bytes, filename: str = "") -> str | None:
    limit = current_app.config["PTCC_MAX_LOGO_BYTES"]
    if len(data) > limit:
        return _("The logo must weigh at most %(size)s kB.", size=limit // 1024)
    return image_type_problem(data, filename)


def image_type_problem(data: bytes, filename: str = "") -> str | None:
    """Why an uploaded image is not a PNG, JPEG or WebP named as what it is, or None."""
    detected = detect_logo_type(data[:16])
    if detected is None:
        return _("This file is not a PNG, JPEG or WebP image.")
    declared = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if declared == "jpeg":
        declared = "jpg"
    if declared and declared != detected:
        return _("The file's content does not match its name: it is not a .%(ext)s image.", ext=declared)
    return None


def banner_problem(data: bytes, filename: str = "") -> str | None:
    """Why an uploaded banner is refused (same image types as the logo, its own size), or None."""
    limit = current_app.config["PTCC_MAX_BANNER_BYTES"]
    if len(data) > limit:
        return _("The banner image must weigh at most %(size)s kB.", size=limit // 1024)
    return image_type_problem(data, filename)


# --- settings ------------------------------------------------------------------------


def _clean_name(value) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(_("Give the territory a name."), field="name")
    if len(value) > 120:
        raise ServiceError(_("The name must be at most 120 characters."), field="name")
    return value


def _clean_presentation(value) -> str:
    return (value or "").strip()


def _clean_locales(value) -> list[str]:
    locales = list(dict.fromkeys(value or []))
    problem = locales_problem(locales)
    if problem:
        raise ServiceError(problem[1], field=problem[0])
    # Keep the order of SUPPORTED_LOCALES so that the stored list does not depend on the form.
    return [code for code in SUPPORTED_LOCALES if code in locales]


def _clean_default_locale(value) -> str:
    if value not in SUPPORTED_LOCALES:
        raise ServiceError(_("Choose the default language among the offered languages."), field="default_locale")
    return value


def _clean_timezone(value) -> str:
    value = (value or "").strip()
    problem = timezone_problem(value)
    if problem:
        raise ServiceError(problem, field="timezone")
    return value


def _color_cleaner(name):
    def clean(value) -> str:
        value = (value or "").strip()
        problem = color_problem(value)
        if problem:
            raise ServiceError(problem, field=name)
        return value.lower()

    return clean


#: Settings an administrator may change, with the function that checks and normalises
#: each value. A new concern (plugins, …) adds its key here and a section to the form.
SETTING_CLEANERS = {
    "name": _clean_name,
    "presentation": _clean_presentation,
    "locales": _clean_locales,
    "default_locale": _clean_default_locale,
    "timezone": _clean_timezone,
    "primary_color": _color_cleaner("primary_color"),
    "accent_color": _color_cleaner("accent_color"),
    "plugins": plugin_choice.clean_plugin_choice,
}


def current_setting_values(actor) -> dict:
    """The effective values (database row over tenant.toml) of the editable settings."""
    require_role(actor, Role.ADMIN)
    effective = territory_settings()
    values = {key: getattr(effective, key) for key in SETTING_CLEANERS}
    values["locales"] = list(values["locales"])
    values["plugins"] = plugin_choice.enabled_optional()
    values["plugin_settings"] = {name: plugin_choice.plugin_settings(name)
                                 for name in plugin_choice.installed_optional()}
    values["logo_filename"] = effective.logo_filename
    values["banner_filename"] = effective.banner_filename
    return values


@dataclass
class SettingsChange:
    #: Field name -> {"old": ..., "new": ...}, only for what really changed.
    changes: dict = field(default_factory=dict)
    #: Logo file that the committed change no longer uses; remove it after the commit.
    obsolete_logo: str = ""
    #: Banner file that the committed change no longer uses (``delete_banner_file``).
    obsolete_banner: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def update_settings(actor, *, logo: bytes | None = None, logo_name: str = "", remove_logo: bool = False,
                    banner: bytes | None = None, banner_name: str = "", remove_banner: bool = False,
                    plugin_settings: dict[str, dict] | None = None, **values) -> SettingsChange:
    """Check and store the given settings; only changed values are written.

    ``values`` are keys of ``SETTING_CLEANERS``. A ``logo`` (the file's bytes) replaces
    the current one; ``remove_logo`` drops it. The audit entry lists the changed fields
    with their old and new values. After the commit, call ``delete_logo_file`` with
    ``obsolete_logo``. ``banner``, ``banner_name`` and ``remove_banner`` do the same for the
    home page's banner image (``delete_banner_file`` with ``obsolete_banner``).

    ``plugins`` (a key of ``values``) is the list of enabled optional plugins; a plugin
    whose tables the territory's database lacks cannot be enabled (the message says
    which command to run). ``plugin_settings`` maps plugin names to the values of
    their settings forms.
    """
    require_role(actor, Role.ADMIN)
    unknown = set(values) - set(SETTING_CLEANERS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    cleaned = {key: SETTING_CLEANERS[key](value) for key, value in values.items()}

    current = current_setting_values(actor)
    locales = cleaned.get("locales", current["locales"])
    default_locale = cleaned.get("default_locale", current["default_locale"])
    if default_locale not in locales:
        raise ServiceError(_("The default language must be one of the offered languages."), field="default_locale")
    if logo is not None:
        problem = logo_problem(logo, logo_name)
        if problem:
            raise ServiceError(problem, field="logo")
    if banner is not None:
        problem = banner_problem(banner, banner_name)
        if problem:
            raise ServiceError(problem, field="banner")

    changes = {key: {"old": current[key], "new": value} for key, value in cleaned.items() if current[key] != value}
    if "plugins" in changes:
        plugin_choice.refuse_unmigrated(set(changes["plugins"]["new"]) - set(changes["plugins"]["old"]))
    old_plugin_values, new_plugin_values = plugin_choice.settings_changes(plugin_settings or {})
    if new_plugin_values:
        changes["plugin_settings"] = {"old": old_plugin_values, "new": new_plugin_values}
    row = db.session.get(TerritorySettings, 1)
    if row is None:
        row = TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="", timezone="",
                                primary_color="", accent_color="", logo_filename="", banner_filename="")
        db.session.add(row)
    for key, change in changes.items():
        if key == "plugin_settings":
            row.plugin_settings = {**(row.plugin_settings or {}), **change["new"]}
        else:
            setattr(row, key, change["new"])

    result = SettingsChange(changes=changes)
    old_logo = row.logo_filename or ""
    if logo is not None:
        new_logo = _store_logo_file(logo)
        row.logo_filename = new_logo
        changes["logo"] = {"old": old_logo, "new": new_logo}
        result.obsolete_logo = old_logo
    elif remove_logo and old_logo:
        row.logo_filename = ""
        changes["logo"] = {"old": old_logo, "new": ""}
        result.obsolete_logo = old_logo
    old_banner = row.banner_filename or ""
    if banner is not None:
        new_banner = _store_image_file(banner, "banner")
        row.banner_filename = new_banner
        changes["banner"] = {"old": old_banner, "new": new_banner}
        result.obsolete_banner = old_banner
    elif remove_banner and old_banner:
        row.banner_filename = ""
        changes["banner"] = {"old": old_banner, "new": ""}
        result.obsolete_banner = old_banner

    if changes:
        db.session.flush()
        record(actor, "territory.settings_changed", target=row, fields=sorted(changes), changes=changes)
    forget_cached_settings()
    return result


def _upload_folder() -> Path:
    from ptcc.web.views import upload_folder

    return upload_folder()


def _store_logo_file(data: bytes) -> str:
    return _store_image_file(data, "logo")


def _store_image_file(data: bytes, kind: str) -> str:
    extension = detect_logo_type(data[:16])
    folder = _upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    filename = f"{kind}-{secrets.token_hex(8)}.{extension}"
    (folder / filename).write_bytes(data)
    return filename


def _delete_image_file(filename: str, kind: str) -> None:
    if not filename or "/" in filename or "\\" in filename or not filename.startswith(f"{kind}-"):
        return
    try:
        (_upload_folder() / filename).unlink()
    except FileNotFoundError:
        pass


def delete_logo_file(filename: str) -> None:
    """Remove a logo file of the current territory that nothing refers to any more."""
    _delete_image_file(filename, "logo")


def delete_banner_file(filename: str) -> None:
    """Remove a banner file of the current territory that nothing refers to any more."""
    _delete_image_file(filename, "banner")


# --- people and roles ----------------------------------------------------------------


def list_people(actor, *, q: str = "", role: str = "", page: int = 1, per_page: int | None = None):
    """A page of the territory's people, by name, optionally searched and filtered."""
    require_role(actor, Role.MODERATOR)
    query = sa.select(User)
    q = (q or "").strip()
    if q:
        query = query.where(sa.or_(User.display_name.icontains(q, autoescape=True),
                                   User.email.icontains(q, autoescape=True)))
    if role:
        try:
            query = query.where(User.role == Role(role))
        except ValueError:
            raise ServiceError(_("Unknown role."), field="role") from None
    query = query.order_by(sa.func.lower(User.display_name), User.id)
    return db.paginate(query, page=max(page, 1), per_page=per_page or current_app.config["PTCC_PER_PAGE"],
                       error_out=False)


def get_person(actor, user_id: int) -> User:
    require_role(actor, Role.ADMIN)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("This person does not exist here."))
    return user


def change_role(actor, user: User, role: Role | str) -> User:
    """Give ``user`` another territory role; the last administrator keeps theirs.

    The person stays signed in: the new role applies from their next request.
    """
    require_role(actor, Role.ADMIN)
    try:
        role = Role(role)
    except ValueError:
        raise ServiceError(_("Unknown role."), field="role") from None
    # Role changes take turns on the administrators' rows (PostgreSQL; on SQLite the request
    # holds the write lock already): two administrators demoting each other at once cannot
    # leave the territory without one. What was read before the wait is read again.
    admins = set(db.session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN).with_for_update(key_share=True)))
    if actor.id not in admins:  # demoted meanwhile
        raise PermissionDenied(_("This is reserved to the territory's administrators."))
    db.session.refresh(user)
    old = user.role
    if old == role:
        raise ServiceError(_("%(name)s already has this role.", name=user.display_name), field="role")
    if old == Role.ADMIN and len(admins) <= 1:
        raise ServiceError(
            _("%(name)s is the last administrator of the territory: give another person the "
              "administrator role first.", name=user.display_name),
            field="role",
        )
    user.role = role
    db.session.flush()
    record(actor, "user.role_changed", target=user, old_role=old.value, new_role=role.value,
           person=f"{user.display_name} <{user.email}>")
    return user


# --- audit log and dashboard ---------------------------------------------------------


def audit_actions(actor) -> list[str]:
    """The distinct actions present in the log, sorted."""
    require_role(actor, Role.MODERATOR)
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def audit_entries(actor, *, action: str = "", page: int = 1, per_page: int | None = None):
    """A page of the audit log, newest first; ``action`` keeps one action or a dotted prefix."""
    require_role(actor, Role.MODERATOR)
    query = sa.select(AuditEntry)
    action = (action or "").strip().rstrip(".")
    if action:
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(sa.or_(AuditEntry.action == action,
                                   AuditEntry.action.like(f"{escaped}.%", escape="\\")))
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    return db.paginate(query, page=max(page, 1), per_page=per_page or current_app.config["PTCC_PER_PAGE"],
                       error_out=False)


def _pending_join_requests() -> int | None:
    """Join requests waiting for a decision, when the organisations module has them."""
    try:
        from ptcc.organisations import services as organisations
    except ImportError:
        return None
    counter = getattr(organisations, "pending_join_requests_count", None)
    if counter is None:
        return None
    return counter()


def dashboard(actor) -> dict:
    require_role(actor, Role.MODERATOR)
    from ptcc.outbox.services import pending_count

    return {
        "people": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        "pending_requests": _pending_join_requests(),
        "queued_emails": pending_count(),
        "latest": db.session.scalars(
            sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(10)
        ).all(),
    }
