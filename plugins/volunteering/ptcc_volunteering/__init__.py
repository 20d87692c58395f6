"""Volunteer missions: organisations post them, people of the territory answer "Je participe".

This module carries the plugin's identity and its hook implementations only.
"""

from __future__ import annotations

from pathlib import Path

from ptcc.plugins import ActivityType, Block, Dataset, MenuItem, PluginInfo, SearchResult, hookimpl
from ptcc_volunteering.i18n import _l

PLUGIN = PluginInfo(
    name="volunteering",
    version="0.1.0",
    description="Volunteer missions: organisations post them, people of the territory answer",
    title=_l("Volunteer missions"),
)
HERE = Path(__file__).resolve().parent


@hookimpl
def ptcc_blueprints():
    from ptcc_volunteering.blueprint import api_bp, bp

    return [bp, api_bp]


@hookimpl
def ptcc_models():
    from ptcc_volunteering.models import MODELS

    return MODELS


@hookimpl
def ptcc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def ptcc_templates_dir():
    # E-mail bodies are rendered by the outbox, outside the blueprint's own folder.
    return str(HERE / "templates")


@hookimpl
def ptcc_translations_dir():
    from ptcc_volunteering.i18n import DOMAIN, TRANSLATIONS_DIR

    return (DOMAIN, str(TRANSLATIONS_DIR))


@hookimpl
def ptcc_menu_items(user):
    from ptcc_volunteering.i18n import _

    return [MenuItem(label=_("Volunteer missions"), endpoint="volunteering.index", order=40)]


@hookimpl
def ptcc_demo_content():
    from ptcc_volunteering.demo import build_demo_missions

    return build_demo_missions()


@hookimpl
def ptcc_home_blocks():
    from ptcc.plugins.settings import plugin_setting
    from ptcc_volunteering import queries

    count = plugin_setting("volunteering", "home_missions")
    count = DEFAULT_SETTINGS["home_missions"] if count is None else int(count)
    missions = queries.latest(count) if count > 0 else []
    if not missions:
        return []
    return [Block(template="volunteering/_home_block.html", order=40, context={"missions": missions})]


@hookimpl
def ptcc_dashboard_blocks(user):
    from ptcc.accounts.permissions import is_signed_in
    from ptcc_volunteering.dashboard import dashboard_data

    if not is_signed_in(user):
        return []
    # Plain data cached per person and data version (ptcc_volunteering.dashboard).
    data = dashboard_data(user.id)
    if not data.commitments and not data.waiting:
        return []
    return [Block(template="volunteering/_dashboard_block.html", order=40,
                  context={"commitments": data.commitments, "waiting": data.waiting})]


#: Per-territory settings and their defaults (the administrators change them on the settings page).
DEFAULT_SETTINGS = {"home_missions": 3}


@hookimpl
def ptcc_default_settings():
    return dict(DEFAULT_SETTINGS)


@hookimpl
def ptcc_settings_form():
    from ptcc_volunteering.forms import VolunteeringSettingsForm

    return VolunteeringSettingsForm


@hookimpl
def ptcc_activity_types():
    from ptcc_volunteering.i18n import _l
    from ptcc_volunteering.notifications import MISSION_PUBLISHED, VOLUNTEER_ACCEPTED

    # Lazy labels: the core keeps the declared kinds for the life of the process.
    return [ActivityType(MISSION_PUBLISHED, _l("Volunteer mission published")),
            ActivityType(VOLUNTEER_ACCEPTED, _l("Volunteer joined a mission"))]


@hookimpl
def ptcc_search(query, user, limit):
    from flask import url_for

    from ptcc_volunteering import queries
    from ptcc_volunteering.i18n import _

    kind = _("Volunteer mission")
    # One query through the territory's search index, ranked (ptcc.search); columns, not objects.
    return [SearchResult(title=hit.title, url=url_for("volunteering.show", mission_id=hit.id), kind=kind,
                         excerpt=f"{hit.organisation_name} — {hit.commune}", score=hit.score)
            for hit in queries.search_hits(query, limit)]


@hookimpl
def ptcc_search_sources():
    from ptcc_volunteering import queries

    return queries.search_sources()


@hookimpl
def ptcc_open_data_datasets():
    from ptcc_volunteering.i18n import _

    return [Dataset(
        title=_("Open volunteer missions"),
        description=_("The volunteer missions open in the territory: title, description, organisation, commune, "
                      "skills, dates and places left. No personal data."),
        formats={"CSV": "volunteering.open_data_csv", "JSON": "volunteering.open_data_json"},
    )]


@hookimpl
def ptcc_personal_data(user):
    from ptcc_volunteering.services import personal_data

    return {"volunteering": personal_data(user)}


@hookimpl
def ptcc_before_user_delete(user):
    from ptcc_volunteering.services import forget_user

    forget_user(user)


@hookimpl
def ptcc_reportable_types():
    from ptcc_volunteering.services import reportable_type

    return [reportable_type()]


@hookimpl
def ptcc_organisations_merged(kept, merged):
    from ptcc_volunteering.services import move_missions

    move_missions(kept, merged)
