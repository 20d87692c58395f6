"""Language and time zone of each request."""

from __future__ import annotations

from flask import request, session
from flask_login import current_user

from ptcc.tenancy import has_tenant

#: Languages the core has catalogues for, each named in itself.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SUPPORTED_LOCALES = tuple(LANGUAGE_NAMES)


def offered_locales() -> tuple[str, ...]:
    if not has_tenant():
        return SUPPORTED_LOCALES
    from ptcc.admin.settings import territory_settings

    return territory_settings().locales


def select_locale() -> str:
    """The person's choice, then the browser's among the offered ones, then the territory's.

    The browser comes before the territory's default so that a visitor whose
    browser asks for English gets English where English is offered.
    """
    offered = offered_locales()
    if current_user and current_user.is_authenticated and current_user.locale in offered:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in offered:
        return chosen
    best = request.accept_languages.best_match(offered) if request else None
    if best:
        return best
    if has_tenant():
        from ptcc.admin.settings import territory_settings

        return territory_settings().default_locale
    return "fr"


def select_timezone() -> str:
    if not has_tenant():
        return "Europe/Paris"
    from ptcc.admin.settings import territory_settings

    return territory_settings().timezone
