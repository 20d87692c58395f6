"""The application factory: a short, ordered list of configure steps."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, g, request

from ptcc.config import load_config
from ptcc.extensions import babel, csrf, db, limiter, login_manager

log = logging.getLogger(__name__)
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, static_folder="web/static", template_folder="web/templates")
    configure_config(app, config)
    configure_routing(app)
    configure_tenancy(app)
    configure_extensions(app)
    configure_i18n(app)
    configure_plugins(app)
    configure_request_hooks(app)
    configure_templates(app)
    configure_errors(app)
    configure_cli(app)
    return app


def configure_config(app: Flask, config) -> None:
    load_config(app, config)


def configure_routing(app: Flask) -> None:
    """Bounded URL converters, before any blueprint adds its rules."""
    from ptcc.web import converters

    converters.install(app.url_map)


def configure_tenancy(app: Flask) -> None:
    from ptcc.tenancy import TenantRegistry
    from ptcc.tenancy.engines import TenantEngines
    from ptcc.tenancy.resolver import TenantResolverMiddleware
    from ptcc.tenancy.sessions import TenantSessionInterface
    from ptcc.tenancy import TenancyState

    recheck = app.config["PTCC_TENANTS_RECHECK_SECONDS"]
    registry = TenantRegistry(app.config["PTCC_TENANTS_PATH"], recheck_seconds=recheck if recheck >= 0 else None)
    engines = TenantEngines(app.config)
    app.extensions["ptcc"] = TenancyState(registry, engines)
    # A territory removed or changed on disk (another database, disabled): its engine and
    # what was learnt about its database go.
    registry.listeners.append(lambda changed: [engines.forget(tenant) for tenant in changed])
    app.session_interface = TenantSessionInterface()
    platform_hosts = app.config["PTCC_PLATFORM_HOSTS"]
    app.config["TRUSTED_HOSTS"] = None  # the resolver answers 404 to unknown hosts itself
    app.wsgi_app = TenantResolverMiddleware(
        app.wsgi_app, registry, platform_hosts, app.config["PTCC_PATH_PREFIX"]
    )
    proxies = int(app.config["PTCC_TRUSTED_PROXIES"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the client address and scheme: the territory comes from Host, which no
        # forwarding header may change (x_host stays 0).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def configure_extensions(app: Flask) -> None:
    import ptcc.caching  # noqa: F401  (its session events keep each territory's data version)
    import ptcc.search  # noqa: F401  (its session events keep each territory's search index)
    from ptcc.accounts.loader import load_user

    db.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["PTCC_REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"


def configure_i18n(app: Flask) -> None:
    from ptcc.i18n import compile_catalogues, install_template_gettext, select_locale, select_timezone

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    # Only missing or outdated .mo files are written: a no-op once `make translations` ran.
    compile_catalogues(PROJECT_ROOT / "translations", "messages")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_gettext(app)  # templates' _() through the request's catalogues (ptcc.i18n)


def configure_plugins(app: Flask) -> None:
    from ptcc.plugins.manager import PluginManager

    manager = PluginManager()
    manager.load_core()
    manager.discover(app.config["PTCC_PLUGINS_PATH"])
    manager.finish()
    manager.register_blueprints(app)
    app.extensions["ptcc"].plugins = manager

    from ptcc.i18n import compile_catalogues

    for domain, folder in manager.translation_domains.items():
        compile_catalogues(folder, domain)


def configure_request_hooks(app: Flask) -> None:
    from ptcc.tenancy.resolver import bind_request_tenant
    from ptcc.web.input import refuse_nul_bytes
    from ptcc.web.security import set_security_headers

    # Before every other hook, CSRF's included: which territory, then input no view may see.
    app.before_request_funcs.setdefault(None, [])[0:0] = [bind_request_tenant, refuse_nul_bytes]

    @app.before_request
    def refuse_disabled_plugin():
        """404 where the route's plugin is disabled; 503 with the command to run where it
        is enabled but the territory's database lacks its tables."""
        from flask import abort

        from ptcc.plugins.readiness import not_migrated_message
        from ptcc.web.errors import render_error

        manager = app.extensions["ptcc"].plugins
        owner = manager.blueprint_owner.get(request.blueprint or "")
        if not owner or g.get("ptcc_tenant") is None or manager.infos[owner].core:
            return None
        if not manager.is_enabled(owner):
            abort(404)
        if owner in manager.unmigrated_names():
            return render_error(503, not_migrated_message([owner]))
        return None

    app.after_request(set_security_headers)

    from ptcc.web import page_cache

    page_cache.install(app)

    @app.teardown_request
    def drain_outbox_inline(exc):
        if not (app.config["PTCC_OUTBOX_INLINE"] and g.get("ptcc_outbox_dirty") and g.get("ptcc_tenant")):
            return
        from ptcc.outbox.services import drain

        try:
            db.session.rollback()  # only what the view committed may be sent
            drain()
        except Exception:
            log.exception("inline outbox drain failed; `ptcc outbox run` will retry")


def configure_templates(app: Flask) -> None:
    from flask_login import current_user

    from ptcc.i18n import LANGUAGE_NAMES, formatted_date, formatted_datetime, offered_locales
    from ptcc.tenancy import has_tenant
    from ptcc.web.markdown import render_markdown
    from ptcc.web.menu import menu_entries
    from ptcc.web.theme import theme_version

    from flask_babel import get_locale

    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["theme_version"] = theme_version
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["datetime"] = formatted_datetime
    app.jinja_env.filters["date"] = formatted_date

    manager = app.extensions["ptcc"].plugins
    for folder in manager.startup_hook("ptcc_templates_dir")():
        if folder:
            from jinja2 import ChoiceLoader, FileSystemLoader

            app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(folder)])

    @app.context_processor
    def inject_site():
        from flask import has_request_context

        if not has_tenant():
            return {"territory": None, "menu": [], "language_names": LANGUAGE_NAMES}
        from ptcc.tenancy.settings import territory_settings

        return {
            "territory": territory_settings(),
            # E-mails are rendered from the CLI too, where there is no page and no menu.
            "menu": menu_entries() if has_request_context() else [],
            "offered_locales": offered_locales(),
            "language_names": LANGUAGE_NAMES,
            "current_user": current_user,
        }


def configure_errors(app: Flask) -> None:
    from ptcc.web.errors import register_error_handlers

    register_error_handlers(app)


def configure_cli(app: Flask) -> None:
    from ptcc.cli import register_commands

    register_commands(app)
