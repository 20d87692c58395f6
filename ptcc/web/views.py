from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
)
from flask_login import current_user

from ptcc.extensions import db
from ptcc.i18n import offered_locales
from ptcc.tenancy import current_tenant, has_tenant, state
from ptcc.tenancy.settings import territory_settings
from ptcc.web.menu import blocks
from ptcc.web.page_cache import not_cached
from ptcc.web.redirects import safe_next
from ptcc.web.theme import theme_stylesheet, theme_version


#: Entries of the activity feed shown on the home page.
HOME_ACTIVITY = 5


def index():
    if not has_tenant():
        return platform_index()
    from ptcc.web.pages import latest_activity

    return render_template("web/home.html", blocks=blocks("ptcc_home_blocks"), latest=latest_activity(HOME_ACTIVITY))


def platform_index():
    """The platform's own page: the list of its territories."""
    if has_tenant():
        abort(404)
    territories = sorted(state().registry, key=lambda t: t.name)
    return render_template("web/platform.html", territories=territories)


@not_cached  # says that this worker answers, without reading any database
def health():
    return {"status": "ok"}


#: How long a browser keeps the stylesheet asked for at its current version's address.
THEME_CACHE_SECONDS = 365 * 24 * 3600


def theme_css():
    """The territory's colours. Pages link it at ``?v=<digest>`` (``theme_version``): that
    address never changes content, so browsers keep it for a year; any other (an older
    version, none) gets the current colours, kept five minutes."""
    settings = territory_settings()
    response = make_response(theme_stylesheet(settings))
    response.mimetype = "text/css"
    if request.args.get("v") == theme_version(settings):
        response.cache_control.max_age = THEME_CACHE_SECONDS
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 300
    return response


def upload_folder() -> Path:
    return Path(current_app.config["PTCC_INSTANCE_PATH"]) / "uploads" / current_tenant.slug


def logo():
    filename = territory_settings().logo_filename
    if not filename:
        abort(404)
    return send_from_directory(upload_folder(), filename, max_age=300)


#: The typeface's files (ptcc/web/assets.py copies them): their names never change content.
FONTS_FOLDER = Path(__file__).resolve().parent / "static" / "vendor" / "fonts"
FONT_CACHE_SECONDS = 365 * 24 * 3600


@not_cached  # a file, not a page
def font(filename: str):
    """A woff2 file of the typeface, kept a year by browsers (ptcc.css links them)."""
    if not filename.endswith(".woff2") or "/" in filename:
        abort(404)
    response = send_from_directory(FONTS_FOLDER, filename, max_age=FONT_CACHE_SECONDS)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def banner():
    """The home page's banner image. Pages link it at ``?v=<file name>``: a new image has a
    new name, so any address is kept a day."""
    filename = territory_settings().banner_filename
    if not filename:
        abort(404)
    return send_from_directory(upload_folder(), filename, max_age=24 * 3600)


def set_language():
    """Remember the chosen language.

    Visitors who are not signed in choose with a GET form: their pages then carry no
    CSRF token and no session of their own, so that they can be served from the page
    cache (ptcc.web.page_cache); choosing a language for oneself is all it can do. A
    signed-in person's choice is saved on their account, which only a POST with its
    CSRF token may change.
    """
    values = request.form if request.method == "POST" else request.args
    target = safe_next(values.get("next", ""))
    locale = values.get("locale", "")
    if locale in offered_locales():
        session["locale"] = locale
        if request.method == "POST" and current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(target)
