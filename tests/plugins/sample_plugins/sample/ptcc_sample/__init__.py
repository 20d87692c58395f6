"""A plugin used by tests/plugins: one implementation of every hook."""

from __future__ import annotations

from pathlib import Path

import click
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from ptcc.i18n import domain_gettext
from ptcc.plugins import ActivityType, Block, Dataset, MenuItem, PluginInfo, SearchResult, hookimpl
from ptcc.web.forms import Form

PLUGIN = PluginInfo(name="sample", version="1.2.3", description="Sample notes")
HERE = Path(__file__).resolve().parent
t = domain_gettext("sample")
_, _l = t.gettext, t.lazy_gettext


@hookimpl
def ptcc_blueprints():
    from ptcc_sample.views import bp

    return [bp]


@hookimpl
def ptcc_models():
    from ptcc_sample.models import SampleNote

    return [SampleNote]


@hookimpl
def ptcc_migrations_dir():
    return HERE / "migrations" / "versions"


@hookimpl
def ptcc_templates_dir():
    return HERE / "templates"


@hookimpl
def ptcc_translations_dir():
    return ("sample", HERE / "translations")


@hookimpl
def ptcc_cli_commands():
    @click.command("sample-count")
    def count():
        """Say how many sample notes the plugin knows."""
        click.echo("sample notes: ready")

    return [count]


@hookimpl
def ptcc_menu_items(user):
    return [
        MenuItem(label=_("Sample notes"), endpoint="sample.index", order=50),
        MenuItem(label=_("Sample secrets"), endpoint="sample.index", order=51,
                 permission=lambda u: getattr(u, "is_authenticated", False)),
    ]


@hookimpl
def ptcc_home_blocks():
    return [Block(template="sample/_home_block.html", order=10, context={"greeting": _("Hello from the sample")})]


@hookimpl
def ptcc_dashboard_blocks(user):
    return [Block(template="sample/_home_block.html", context={"greeting": _("Your sample dashboard block")})]


@hookimpl
def ptcc_activity_types():
    return [ActivityType(name="sample.note_added", label=_l("New sample note"))]


@hookimpl
def ptcc_search(query, user, limit):
    from ptcc_sample.models import search_notes

    return [SearchResult(title=note.title, url=f"/sample/#note-{note.id}", kind=_("Sample note"),
                         excerpt=note.title, score=score) for note, score in search_notes(query, limit)]


@hookimpl
def ptcc_open_data_datasets():
    return [Dataset(title=_("Sample notes dataset"), description=_("Every sample note."),
                    formats={"CSV": "sample.notes_csv"})]


@hookimpl
def ptcc_default_settings():
    return {"greeting": "Bienvenue", "per_page": 10}


class SampleSettingsForm(Form):
    greeting = StringField(_l("Greeting"), validators=[DataRequired(), Length(max=40)])
    per_page = IntegerField(_l("Notes per page"), validators=[NumberRange(min=1, max=100)])


@hookimpl
def ptcc_settings_form():
    return SampleSettingsForm


@hookimpl
def ptcc_personal_data(user):
    return {"sample": {"person": user.display_name}}
