"""The whole PTCC plugin contract.

A plugin is a module (or any object) carrying ``PLUGIN = PluginInfo(...)`` and
functions decorated with ``@hookimpl`` whose names are the hooks below. The core
modules (web, accounts, organisations, admin) and the pillars use this same
contract. A plugin is found through the ``ptcc.plugins`` entry-point group of an
installed distribution, or as a package under ``PTCC_PLUGINS_PATH`` (``plugins/``).

Hooks marked "start-up" run once, for every installed plugin, when the
application is built. The others run per request, for the *current territory's*
active plugins only: enabled there (``tenant.toml`` or the settings page) and
migrated (the territory's database has run the plugin's Alembic branch). A
plugin never has to check whether it is enabled.

An implementation whose name is not a hook below, or whose arguments are not the
hook's, stops the application at start-up (pluggy ``check_pending``).
See ``docs/plugins.md`` for an example of each hook.
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
    plugin is disabled, and 503 (with the ``ptcc db upgrade <slug>`` to run) where
    it is enabled but its tables are missing; the plugin does not have to check.
    Name the blueprint after the plugin (``Blueprint("volunteering", ...)``).
    """


@hookspec
def ptcc_models():
    """Start-up. Return the plugin's model classes (``db.Model`` subclasses).

    Their table names must start with ``<plugin name>_``; the loader refuses the
    plugin otherwise. Core modules are exempt. The models listed here are the
    ones ``ptcc db revision --plugin NAME`` and the drift check compare.
    """


@hookspec
def ptcc_migrations_dir():
    """Start-up. Return the folder of the plugin's Alembic versions, or None.

    Its revisions form a branch labelled with the plugin name whose first
    revision depends on the core (``depends_on`` = a core revision);
    ``ptcc db upgrade`` applies every branch in every territory and
    ``ptcc db revision -m "…" --plugin NAME`` writes the next revision there.
    """


@hookspec
def ptcc_templates_dir():
    """Start-up. Return a folder added to the template search path, or None.

    Blueprint templates need no hook; this is for templates shared across
    blueprints, such as e-mail bodies or home and dashboard blocks. Put them in
    a sub-folder named after the plugin (``<folder>/<plugin>/…``).
    """


@hookspec
def ptcc_translations_dir():
    """Start-up. Return ``(domain, folder)`` of the plugin's gettext catalogues, or None.

    The folder has the layout ``<locale>/LC_MESSAGES/<domain>.po``; missing or
    outdated ``.mo`` files are compiled at start-up (``make translations`` too).
    The plugin translates with ``ptcc.i18n.domain_gettext(domain)``: its
    ``gettext``/``lazy_gettext``/``ngettext`` look in the plugin's catalogue, then
    in the core's; ``.install(blueprint)`` makes the blueprint's templates use it.
    """


@hookspec
def ptcc_cli_commands():
    """Start-up. Return click commands; they are grouped under ``ptcc <plugin name> …``.

    Commands run without a territory: loop with ``tenant_context(slug)``.
    """


# --- per territory: what people see -------------------------------------------


@hookspec
def ptcc_menu_items(user):
    """Return ``MenuItem`` objects for the main navigation; ``user`` is the current person
    (anonymous when nobody is signed in).

    Items from all active plugins are merged, filtered by their ``permission``
    and ordered by ``order`` (then label) in one place (``ptcc.web.menu``). The
    core uses 0 (home), 5 (dashboard), 80 (activity), 90 (open data), 95 (admin).
    """


@hookspec
def ptcc_home_blocks():
    """Return ``Block`` objects shown on the territory's home page, by ``order``.

    The block's template is included with ``block`` (and its ``block.context``)
    in scope; it starts with an ``<h2>``.
    """


@hookspec
def ptcc_dashboard_blocks(user):
    """Return ``Block`` objects for the signed-in ``user``'s dashboard (``/dashboard``)."""


@hookspec
def ptcc_activity_types():
    """Return the ``ActivityType`` objects (kind name, translated label) this plugin writes.

    Write entries with ``ptcc.activity.services.publish(kind, subject, endpoint,
    url_values, actor)``. The ``/activity`` feed shows an entry only while the
    plugin that declares its kind is active in the territory.
    """


@hookspec
def ptcc_search(query, user, limit):
    """Return at most ``limit`` ``SearchResult`` objects matching ``query`` that ``user`` may see.

    ``/search`` asks every active provider and merges the results by ``score``
    (higher first); ``kind`` is the translated label shown beside each result.
    Providers ask the territory's search index (``ptcc.search.matching``) for what
    their ``ptcc_search_sources`` declared, joined to their own tables.
    """


@hookspec
def ptcc_search_sources():
    """Start-up. Return the ``ptcc.search.SearchSource`` objects this plugin indexes.

    A source names a ``kind`` (``"<plugin>.<thing>"``), a model, and
    ``document(obj) -> ptcc.search.Document | None`` (None: not to be found). Each
    territory's index then follows the ORM in the writer's transaction: new, changed
    (``fields``) and deleted objects, and the objects of other models the documents
    read (``depends_on``). ``ptcc search reindex`` rebuilds it from the sources.
    """


@hookspec
def ptcc_open_data_datasets():
    """Return ``Dataset`` objects listed on the territory's ``/open-data`` page.

    ``formats`` maps a format name to the endpoint serving it, or to
    ``(endpoint, url_values)``. Datasets never contain personal data.
    """


@hookspec
def ptcc_reportable_types():
    """Return the ``ReportableType`` objects for the content people may report.

    Signed-in people report such content at ``/reports/new/<name>/<id>`` (include
    ``reports/_report_link.html`` with ``report_type`` and ``report_id`` set to link
    there); moderators then hide it (``hide``) or dismiss the report, and may show it
    again (``unhide``). While hidden, the plugin's own pages, lists, search documents and
    datasets must leave it out for everyone but the moderators and its owners.
    """


@hookspec
def ptcc_default_settings():
    """Return the plugin's per-territory settings defaults: a dict of JSON values.

    Read the current territory's value with
    ``ptcc.plugins.settings.plugin_setting(plugin_name, key)``.
    """


@hookspec
def ptcc_settings_form():
    """Return a Flask-WTF form class editing the plugin's per-territory settings, or None.

    Its field names are the keys of ``ptcc_default_settings``. The settings page
    shows it under the plugin's checkbox (prefixed ``plugin-<name>-``, without a
    CSRF field of its own), validates it when the plugin is enabled and stores
    ``form.data`` in the territory's database.
    """


@hookspec
def ptcc_demo_content():
    """Add this plugin's demo content to the current territory; flush, do not commit.

    Called by ``ptcc demo`` inside ``tenant_context``, after the core's people and
    organisations exist, for the plugins the demo territory enables. Return lines
    for the progress output; do nothing when the content is already there.
    """


# --- per territory: stored data -------------------------------------------------
# These three run for every installed plugin whose tables the territory has, enabled
# or not: a disabled plugin keeps its data, which must still be exported or erased.


@hookspec
def ptcc_personal_data(user):
    """Return a dict of this plugin's data about ``user`` for the personal data export."""


@hookspec
def ptcc_before_user_delete(user):
    """Erase or anonymise this plugin's data about ``user``; flush, do not commit.

    Raise ``ptcc.errors.ServiceError`` with a translated message to refuse the
    deletion (for instance while the person is the only owner of something).
    """


@hookspec
def ptcc_organisations_merged(kept, merged):
    """Move this plugin's data from the organisation ``merged`` to ``kept``; flush, do not commit.

    A moderator merges a duplicate: ``merged`` becomes a tombstone redirecting to ``kept``.
    Called after the core moved the memberships, invitations, topics and audit entries, and
    before it points any remaining foreign key to ``merged`` at ``kept`` by a plain UPDATE:
    implement it where that is not enough (rows unique per organisation to combine, the
    search index to follow, which needs changes through the ORM). Raise
    ``ptcc.errors.ServiceError`` with a translated message to refuse the merge.
    """
