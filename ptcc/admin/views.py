from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ptcc.accounts.models import Role
from ptcc.admin import services
from ptcc.admin.forms import (
    LOGO_FIELDS,
    PLUGINS_SHOWN,
    SETTINGS_SECTIONS,
    AuditFilterForm,
    PeopleFilterForm,
    RoleForm,
    SettingsForm,
    plugin_form_values,
    plugin_settings_forms,
)
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.web.forms import attach_error, page_number, service_transaction


#: What the audit table needs to present entries.
AUDIT_HELPERS = {
    "action_label": services.action_label,
    "target_label": services.target_label,
    "describe_details": services.describe_details,
}


def _queue_url() -> str | None:
    """The membership queue of the organisations module, when it is installed."""
    if "organisations.queue" in current_app.view_functions:
        return url_for("organisations.queue")
    return None


@login_required
def dashboard():
    data = services.dashboard(current_user)
    return render_template("admin/dashboard.html", queue_url=_queue_url(),
                           is_admin=current_user.has_role(Role.ADMIN), **AUDIT_HELPERS, **data)


@login_required
def settings():
    current = services.current_setting_values(current_user)
    form = SettingsForm(data={key: value for key, value in current.items()
                              if key not in ("logo_filename", "plugin_settings")})
    plugin_forms = plugin_settings_forms(current["plugin_settings"])
    status = 200
    if form.validate_on_submit():
        values = {name: form[name].data for _legend, names in SETTINGS_SECTIONS for name in names
                  if name not in LOGO_FIELDS}
        show_plugins = bool(form.plugins.choices) and request.form.get(PLUGINS_SHOWN) == "1"
        chosen = set(form.plugins.data or []) if show_plugins else set(current["plugins"])
        if show_plugins:
            values["plugins"] = sorted(chosen)
        # A plugin's settings are checked only when the plugin stays or becomes enabled.
        invalid = [name for name, sub in plugin_forms.items() if name in chosen and not sub.validate()]
        if invalid:
            return _render_settings(form, plugin_forms, current, 400)
        upload = form.logo.data
        logo = upload.read() if upload and getattr(upload, "filename", "") else None
        with service_transaction(form) as outcome:
            result = services.update_settings(
                current_user,
                logo=logo,
                logo_name=upload.filename if logo is not None else "",
                remove_logo=form.remove_logo.data,
                plugin_settings={name: plugin_form_values(sub) for name, sub in plugin_forms.items()
                                 if name in chosen},
                **_banner_arguments(form),
                **values,
            )
        if outcome.refused:
            status = 400
        else:
            services.delete_logo_file(result.obsolete_logo)
            services.delete_banner_file(result.obsolete_banner)
            if result.changed:
                flash(_("The territory's settings were saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("admin.settings"))
    elif form.is_submitted():
        status = 400
    return _render_settings(form, plugin_forms, current, status)


def _banner_arguments(form) -> dict:
    upload = form.banner.data
    banner = upload.read() if upload and getattr(upload, "filename", "") else None
    return {"banner": banner, "banner_name": upload.filename if banner is not None else "",
            "remove_banner": form.remove_banner.data}


def _render_settings(form, plugin_forms, current, status):
    from ptcc.plugins.manager import plugin_manager
    from ptcc.plugins.readiness import not_migrated_message

    manager = plugin_manager()
    unmigrated = manager.unmigrated_names()
    return render_template(
        "admin/settings.html", form=form, sections=SETTINGS_SECTIONS,
        plugin_infos={info.name: info for info in manager.optional()},
        plugin_forms=plugin_forms,
        plugins_warning=not_migrated_message(unmigrated) if unmigrated else None,
        logo_filename=current["logo_filename"],
        max_logo_kb=current_app.config["PTCC_MAX_LOGO_BYTES"] // 1024,
        banner_filename=current["banner_filename"],
        max_banner_kb=current_app.config["PTCC_MAX_BANNER_BYTES"] // 1024,
    ), status


@login_required
def people():
    form = PeopleFilterForm(request.args)
    status = 200 if form.validate() else 400
    valid = form.valid_data()
    try:
        page = services.list_people(current_user, q=valid["q"] or "", role=valid["role"] or "",
                                    page=page_number())
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        attach_error(form, exc)
        page = services.list_people(current_user, q=valid["q"] or "", page=page_number())
        status = 400
    return render_template("admin/people.html", form=form, page=page,
                           can_change_roles=current_user.has_role(Role.ADMIN),
                           role_label=services.role_label), status


@login_required
def change_role(user_id: int):
    person = services.get_person(current_user, user_id)
    suggested = request.args.get("role", "")
    if suggested not in {role.value for role in Role}:
        suggested = person.role.value
    form = RoleForm(data={"role": suggested})
    status = 200
    if form.validate_on_submit():
        with service_transaction(form) as outcome:
            services.change_role(current_user, person, form.role.data)
        if outcome.refused:
            status = 400
        else:
            name, role = person.display_name, services.role_label(person.role)
            flash(_("%(name)s is now: %(role)s.", name=name, role=role), "success")
            if current_user.has_role(Role.MODERATOR):
                return redirect(url_for("admin.people"))
            return redirect(url_for("web.index"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/change_role.html", form=form, person=person,
                           current_role=services.role_label(person.role)), status


@login_required
def audit_log():
    actions = services.audit_actions(current_user)
    form = AuditFilterForm(request.args)
    prefixes = sorted({action.split(".", 1)[0] for action in actions if "." in action})
    form.action.choices = (
        [("", _("All actions"))]
        + [(prefix, _("Everything about “%(prefix)s”", prefix=prefix)) for prefix in prefixes]
        + [(action, services.action_label(action)) for action in actions]
    )
    page = services.audit_entries(current_user, action=form.action.data or "", page=page_number())
    return render_template("admin/audit.html", form=form, page=page, **AUDIT_HELPERS)


@login_required
def style_guide():
    """Every component of _ui.html in this territory's theme. Its sample confirmation POSTs
    here: nothing is saved, the page says so."""
    from ptcc.admin.style_guide import SampleForm, style_guide_data

    data = style_guide_data(current_user)
    if request.method == "POST":
        flash(_("This was a sample: nothing was changed."), "info")
        return redirect(url_for("admin.style_guide"))
    form = SampleForm(meta={"csrf": False})
    form.validate()  # shows what a field in error looks like
    return render_template("admin/style_guide.html", form=form, **data)
