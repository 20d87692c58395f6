"""Forms of the administration pages.

The settings form is assembled from one class per concern (identity, languages,
time, appearance); ``SETTINGS_SECTIONS`` says how the page groups them. A new
concern adds a section class to ``SettingsForm``'s bases and a line to the list.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import ColorField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ptcc.accounts.models import Role
from ptcc.admin import services
from ptcc.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES
from ptcc.web.forms import FilterForm, Form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _language_choices():
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in SUPPORTED_LOCALES]


def _timezone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


def _role_choices():
    return [(role.value, services.role_label(role)) for role in Role]


class IdentitySection(Form):
    name = StringField(_l("Territory name"), validators=[DataRequired(), Length(max=120)])
    presentation = TextAreaField(
        _l("Presentation"),
        validators=[Optional(), Length(max=20000)],
        description=_l("Shown on the home page. Markdown is accepted: **bold**, *italics*, [link](https://…), lists."),
    )


class LanguagesSection(Form):
    locales = MultiCheckboxField(_l("Offered languages"), choices=_language_choices)
    default_locale = SelectField(_l("Default language"), choices=_language_choices)

    def validate_locales(self, field):
        problem = services.locales_problem(field.data or [])
        if problem and problem[0] == "locales":
            raise ValidationError(problem[1])

    def validate_default_locale(self, field):
        problem = services.locales_problem(self.locales.data or [], field.data)
        if problem and problem[0] == "default_locale":
            raise ValidationError(problem[1])


class TimeSection(Form):
    timezone = SelectField(
        _l("Time zone"),
        choices=_timezone_choices,
        validate_choice=False,  # checked below with a clearer message
        description=_l("Dates and times on every page are shown in this time zone."),
    )

    def validate_timezone(self, field):
        problem = services.timezone_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def _readable_on_white(form, field):
    problem = services.color_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _logo_size_and_type(form, field):
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return
    data = storage.read()
    storage.seek(0)
    problem = services.logo_problem(data, storage.filename)
    if problem:
        raise ValidationError(problem)


def _banner_size_and_type(form, field):
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return
    data = storage.read()
    storage.seek(0)
    problem = services.banner_problem(data, storage.filename)
    if problem:
        raise ValidationError(problem)


class AppearanceSection(Form):
    primary_color = ColorField(
        _l("Main colour"),
        validators=[DataRequired(), _readable_on_white],
        description=_l("Background of the menu and buttons (with white text) and colour of links."),
    )
    accent_color = ColorField(
        _l("Accent colour"),
        validators=[DataRequired(), _readable_on_white],
        description=_l("Used for highlights; it must be readable with white as well."),
    )
    logo = FileField(
        _l("Logo"),
        validators=[FileAllowed(list(services.LOGO_EXTENSIONS), _l("The logo must be a PNG, JPEG or WebP image.")),
                    _logo_size_and_type],
        description=_l("A square PNG, JPEG or WebP image. Leave empty to keep the current logo."),
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    banner = FileField(
        _l("Banner image"),
        validators=[FileAllowed(list(services.LOGO_EXTENSIONS), _l("The banner must be a PNG, JPEG or WebP image.")),
                    _banner_size_and_type],
        description=_l("A wide photograph or illustration at the top of the home page (about 1600 × 500 pixels; "
                       "it is cropped on narrow screens). Decorative: it must not carry text. "
                       "Leave empty to keep the current one."),
    )
    remove_banner = BooleanField(_l("Remove the current banner image"))


def _plugin_choices():
    from ptcc.plugins.manager import plugin_manager

    return [(info.name, info.label)
            for info in sorted(plugin_manager().optional(), key=lambda i: i.name)]


class PluginsSection(Form):
    plugins = MultiCheckboxField(
        _l("Enabled plugins"),
        choices=_plugin_choices,
        validate_choice=False,  # the service names the unknown ones
        description=_l("A disabled plugin's pages, menu entries, search results and datasets disappear "
                       "from this territory; its data is kept."),
    )


class SettingsForm(IdentitySection, LanguagesSection, TimeSection, AppearanceSection, PluginsSection):
    """Every section of the settings page, validated together."""


def plugin_settings_forms(current: dict[str, dict]) -> dict:
    """Plugin name -> its ``ptcc_settings_form`` instance, prefixed with the plugin's name,
    filled from the posted data or else from ``current`` (its effective settings)."""
    from ptcc.plugins.manager import plugin_manager

    manager = plugin_manager()
    forms = {}
    for info in sorted(manager.optional(), key=lambda i: i.name):
        form_class = manager.call_one(info.name, "ptcc_settings_form")
        if form_class is not None:
            forms[info.name] = form_class(prefix=f"plugin-{info.name}", data=current.get(info.name, {}),
                                          meta={"csrf": False})
    return forms


def plugin_form_values(form) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


#: (legend, field names) in page order; the names are also the settings' keys
#: (except the logo fields, which the view handles).
SETTINGS_SECTIONS = [
    (_l("Identity"), ["name", "presentation"]),
    (_l("Languages"), ["locales", "default_locale"]),
    (_l("Time"), ["timezone"]),
    (_l("Appearance"), ["primary_color", "accent_color", "logo", "remove_logo", "banner", "remove_banner"]),
]
#: The image fields, which the view hands to the service as files.
LOGO_FIELDS = {"logo", "remove_logo", "banner", "remove_banner"}
#: Drawn by the page's plugins section, not by the generic loop over SETTINGS_SECTIONS.
PLUGIN_FIELDS = {"plugins"}
#: Posted by the page's plugins section: without it, no ticked box does not mean "disable
#: every plugin" but "plugins not shown", and they stay as they are.
PLUGINS_SHOWN = "plugins_shown"


class RoleForm(Form):
    role = SelectField(_l("New role"), choices=_role_choices)


class PeopleFilterForm(FilterForm):
    """The GET form above the people list (no CSRF: it changes nothing)."""

    q = SearchField(_l("Name or e-mail"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("All roles"))] + _role_choices(), validators=[Optional()])


class AuditFilterForm(FilterForm):
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
