"""The whole PTCC plugin contract.

A plugin is a module (or any object) carrying ``PLUGIN = PluginInfo(...)`` and
functions decorated with ``@hookimpl`` whose names are the hooks below. The core
modules (accounts, organisations, admin) and the pillars use this same contract.

Every hook is called for the *current territory's* enabled plugins only, except
those marked "start-up", which run once for every installed plugin.
See ``docs/plugins.md`` for examples.
"""

from __future__ import annotations

import pluggy

PROJECT = "ptcc"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- start-up: structure -------------------------------------------------------


@hookspec
def ptcc_blueprints():
    """Start-up. Return a list of Flask blueprints to register.

    Every route of a plugin's blueprints answers 404 in territories where the
    plugin is disabled; the plugin does not have to check.
    """


@hookspec
def ptcc_models():
    """Start-up. Return the plugin's model classes.

    Their table names must start with ``<plugin name>_``; the loader refuses the
    plugin otherwise. Core modules are exempt.
    """


@hookspec(firstresult=False)
def ptcc_migrations_dir():
    """Start-up. Return the folder of the plugin's Alembic versions, or None.

    Its revisions form a branch labelled with the plugin name; ``ptcc db upgrade``
    applies every branch in every territory.
    """


@hookspec
def ptcc_templates_dir():
    """Start-up. Return a folder added to the template search path, or None.

    Blueprint templates need no hook; this is for templates shared across
    blueprints, such as e-mail bodies or blocks.
    """


@hookspec
def ptcc_translations_dir():
    """Start-up. Return ``(domain, folder)`` of the plugin's gettext catalogues, or None.

    The folder has the layout ``<locale>/LC_MESSAGES/<domain>.po``; the plugin
    translates with ``ptcc.i18n.domain_gettext(domain)``.
    """


@hookspec
def ptcc_cli_commands():
    """Start-up. Return click commands added under ``ptcc <plugin name> …``."""


# --- per territory: what people see -------------------------------------------


@hookspec
def ptcc_menu_items(user):
    """Return ``MenuItem`` objects for the main navigation.

    Items from all enabled plugins are merged, filtered by their ``permission``
    and ordered by ``order`` in one place (``ptcc.web.menu``).
    """


@hookspec
def ptcc_home_blocks():
    """Return ``Block`` objects shown on the territory's home page."""


@hookspec
def ptcc_dashboard_blocks(user):
    """Return ``Block`` objects for a signed-in person's dashboard."""


@hookspec
def ptcc_activity_types():
    """Return ``ActivityType`` objects this plugin writes to the activity feed."""


@hookspec
def ptcc_search(query, user, limit):
    """Return at most ``limit`` ``SearchResult`` objects matching ``query``."""


@hookspec
def ptcc_open_data_datasets():
    """Return ``Dataset`` objects listed on the territory's ``/open-data`` page."""


@hookspec
def ptcc_default_settings():
    """Return the plugin's per-territory settings defaults (a dict)."""


@hookspec
def ptcc_settings_form():
    """Return a Flask-WTF form class editing the plugin's per-territory settings, or None."""


# --- per territory: personal data ----------------------------------------------


@hookspec
def ptcc_personal_data(user):
    """Return a dict of this plugin's data about ``user`` for the personal data export."""


@hookspec
def ptcc_before_user_delete(user):
    """Erase or anonymise this plugin's data about ``user``; flush, do not commit.

    Raise ``ptcc.errors.ServiceError`` with a translated message to refuse the
    deletion (for instance while the person is the only owner of something).
    """
