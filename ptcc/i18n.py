"""Language and time zone of each request."""

from __future__ import annotations

import os
import re
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

from babel import Locale, dates
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, LazyString, get_domain, get_locale, get_timezone
from flask_login import current_user

from ptcc.tenancy import has_tenant

#: Languages the core has catalogues for, each named in itself.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
SUPPORTED_LOCALES = tuple(LANGUAGE_NAMES)


def offered_locales() -> tuple[str, ...]:
    if not has_tenant():
        return SUPPORTED_LOCALES
    from ptcc.tenancy.settings import territory_settings

    return territory_settings().locales


def select_locale() -> str:
    """The person's choice, then the browser's among the offered ones, then the territory's.

    The browser comes before the territory's default so that a visitor whose
    browser asks for English gets English where English is offered.
    """
    offered = offered_locales()
    if has_request_context():
        # CLI commands and jobs have no person, session or browser: the territory decides.
        # The person once, not through the proxy at each attribute (flask-login's lookup each time).
        person = current_user._get_current_object()
        if person is not None and person.is_authenticated and person.locale in offered:
            return person.locale
        chosen = session.get("locale")
        if chosen in offered:
            return chosen
        best = request.accept_languages.best_match(offered)
        if best:
            return best
    if has_tenant():
        from ptcc.tenancy.settings import territory_settings

        return territory_settings().default_locale
    return "fr"


def select_timezone() -> str:
    if not has_tenant():
        return "Europe/Paris"
    from ptcc.tenancy.settings import territory_settings

    return territory_settings().timezone


# --- catalogues of the request ----------------------------------------------------------

#: ``g`` key of the catalogues already looked up in this request: (domain, locale) -> translations.
_CATALOGUES = "ptcc_catalogues"


def catalogue(domain: Domain | None = None):
    """The translations of ``domain`` (the core's by default) in the language of the moment.

    ``Domain.get_translations`` finds flask-babel's request state three times per message
    (a dozen ``g`` look-ups through werkzeug's proxies); a page translates dozens of
    messages. Kept in ``g`` per domain *and* locale, so that ``force_locale`` (e-mails in
    the recipient's language, in the middle of a request) still reads its own language.
    """
    if not has_app_context():  # no request, no tenant_context: what flask-babel does there
        return (domain or get_domain()).get_translations()
    # ``None`` stands for the core's domain: flask-babel fixes it for the request at its first
    # use (``get_domain``), and nothing in PTCC makes another domain the default.
    key = (domain, get_locale())
    found = g.get(_CATALOGUES)
    if found is None:
        found = {}
        setattr(g, _CATALOGUES, found)
    translations = found.get(key)
    if translations is None:
        translations = found[key] = (domain or get_domain()).get_translations()
    return translations


def install_template_gettext(app) -> None:
    """Templates' ``_``, ``gettext`` and ``ngettext`` through ``catalogue``: what flask-babel's
    ``init_app`` installs, without its three look-ups of the request state per message.
    Call it after ``babel.init_app(app)``."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalogue().ugettext(string),
        ngettext=lambda singular, plural, num: catalogue().ungettext(singular, plural, num),
        pgettext=lambda context, string: catalogue().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: catalogue().unpgettext(context, singular, plural, num),
        newstyle=True,
    )


# --- dates, formatted once per language and time zone ------------------------------------

#: Formatted dates and times kept per application (a value, a format, a language and a zone:
#: nothing personal but the moment itself); emptied when full.
FORMATTED_ENTRIES = 4096


#: Named formats; any other value is a Babel pattern, used as given.
NAMED_FORMATS = ("short", "medium", "long", "full")
#: The locale whose calendar conventions a language's dates follow: English dates are
#: written day first ("1 January 2027", 24-hour clock), as in the rest of Europe.
DATE_LOCALES = {"en": "en_GB"}


def date_locale(locale=None) -> Locale:
    """The Babel locale that formats dates in ``locale`` (the request's by default)."""
    locale = Locale.parse(locale or get_locale() or "fr")
    return Locale.parse(DATE_LOCALES.get(str(locale), str(locale)))


def date_pattern(fmt: str, locale: Locale, day: int) -> str:
    """The Babel pattern of a named date format, with the French ordinal of the first day of
    the month ("1er janvier", "1er janv."; the numeric short form stays "01/01/2027")."""
    if fmt not in NAMED_FORMATS:
        return fmt
    pattern = dates.get_date_format(fmt, locale=locale).pattern
    if day == 1 and locale.language == "fr" and "'" not in pattern:
        pattern = _LONE_DAY.sub("d'er'", pattern)
    return pattern


_LONE_DAY = re.compile(r"(?<!d)d(?!d)")


def format_day(value, fmt: str = "medium", locale=None, tzinfo=None) -> str:
    """A date, or a datetime's day in ``tzinfo`` (the request's time zone by default)."""
    locale = date_locale(locale)
    if isinstance(value, datetime):
        value = _localised(value, tzinfo).date()
    return dates.format_date(value, date_pattern(fmt, locale, value.day), locale=locale)


def format_moment(value: datetime, fmt: str = "medium", locale=None, tzinfo=None) -> str:
    """A datetime in ``tzinfo`` (the request's time zone by default), its day as ``format_day``."""
    locale = date_locale(locale)
    local = _localised(value, tzinfo)
    if fmt not in NAMED_FORMATS:
        return dates.format_datetime(local, fmt, locale=locale)
    return (dates.get_datetime_format(fmt, locale=locale).replace("'", "")
            .replace("{0}", dates.format_time(local, fmt, tzinfo=local.tzinfo, locale=locale))
            .replace("{1}", dates.format_date(local.date(), date_pattern(fmt, locale, local.day), locale=locale)))


def _localised(value: datetime, tzinfo=None) -> datetime:
    """``value`` (naive values are UTC, as the database keeps them) in ``tzinfo``."""
    zone = tzinfo or (get_timezone() if has_app_context() else dt_timezone.utc)
    if not isinstance(value, datetime):  # a date given to the datetime filter: its midnight
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt_timezone.utc)
    return value.astimezone(zone)


def formatted_datetime(value, fmt: str = "medium") -> str:
    """The ``datetime`` filter: ``format_moment``, remembered.

    Babel takes tens of microseconds per date (patterns, time zone, locale data), and a feed
    shows the same entries' dates at every request. Only the arguments and the request's
    language and time zone decide the text, and all of them are the key.
    """
    return _remembered(format_moment, value, fmt) if value else ""


def formatted_date(value, fmt: str = "medium") -> str:
    """The ``date`` filter: ``format_day``, remembered."""
    return _remembered(format_day, value, fmt) if value else ""


def _remembered(formatter, value, fmt: str) -> str:
    if not has_app_context():
        return formatter(value, fmt)
    kept = current_app.extensions.setdefault("ptcc_formatted_dates", {})
    key = (formatter, value, fmt, get_locale(), get_timezone())
    text = kept.get(key)
    if text is None:
        if len(kept) >= FORMATTED_ENTRIES:
            kept.clear()
        text = kept[key] = formatter(value, fmt)
    return text


# --- plugins' own gettext domains ------------------------------------------------------


class DomainTranslations:
    """gettext functions bound to one plugin's catalogues, falling back to the core's.

    A message missing from the plugin's catalogue is looked up in the core's
    ``messages`` domain, so that core templates (``base.html``) stay translated
    when a plugin's ``_`` replaces the core's in its pages.
    """

    def __init__(self, domain: str, folder: str | Path | None = None):
        self.domain_name = domain
        self._folder = str(folder) if folder else None
        self._domain: Domain | None = None

    @property
    def domain(self) -> Domain:
        if self._domain is None:
            folder = self._folder or _registered_folder(self.domain_name)
            self._domain = Domain(translation_directories=[folder], domain=self.domain_name)
        return self._domain

    def _lookup(self, single: str, plural: str | None = None, num: int | None = None) -> str:
        own = catalogue(self.domain)
        text = own.ugettext(single) if plural is None else own.ungettext(single, plural, num)
        if text in (single, plural):  # not translated here: try the core's catalogue
            core = catalogue()
            text = core.ugettext(single) if plural is None else core.ungettext(single, plural, num)
        return text

    def gettext(self, string: str, **variables) -> str:
        text = self._lookup(string)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        return self._lookup(singular, plural, num) % variables

    def lazy_gettext(self, string: str, **variables) -> LazyString:
        return LazyString(self.gettext, string, **variables)

    def lazy_ngettext(self, singular: str, plural: str, num: int, **variables) -> LazyString:
        return LazyString(self.ngettext, singular, plural, num, **variables)

    def template_globals(self) -> dict:
        """For a blueprint's context processor: templates' ``_``, ``gettext`` and ``ngettext``
        (also used by ``{% trans %}``) then translate in this domain first."""
        return {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext}

    def install(self, blueprint) -> None:
        """Make this domain the one of every template rendered by ``blueprint``'s views."""
        blueprint.context_processor(self.template_globals)


_domains: dict[str, DomainTranslations] = {}


def domain_gettext(domain: str, folder: str | Path | None = None) -> DomainTranslations:
    """The translation functions of a plugin's gettext ``domain``.

    ``folder`` defaults to the one the plugin returned from ``ptcc_translations_dir``::

        t = domain_gettext("volunteering")
        _, _l = t.gettext, t.lazy_gettext
    """
    if domain not in _domains:
        _domains[domain] = DomainTranslations(domain, folder)
    return _domains[domain]


def _registered_folder(domain: str) -> str:
    from flask import current_app

    folders = current_app.extensions["ptcc"].plugins.translation_domains
    if domain not in folders:
        raise LookupError(f"gettext domain {domain!r} is not declared by any plugin's ptcc_translations_dir")
    return folders[domain]


def compile_catalogues(folder: str | Path, domain: str) -> list[Path]:
    """Write the ``.mo`` of each ``<locale>/LC_MESSAGES/<domain>.po`` that is missing or older.

    ``make translations`` compiles every catalogue; the application calls this at
    start-up so that a freshly scaffolded or edited plugin is translated at once.
    A read-only installation keeps the catalogues it was shipped with.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in Path(folder).glob(f"*/LC_MESSAGES/{domain}.po"):
        mo_path = po_path.with_suffix(".mo")
        try:
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file, locale=po_path.parent.parent.name, domain=domain)
            # Written aside, then renamed: a process starting at the same moment (another
            # worker, another test run) reads the old catalogue or the new one, never half of one.
            partial = mo_path.with_suffix(f".{os.getpid()}.mo")
            with partial.open("wb") as mo_file:
                write_mo(mo_file, catalogue)
            os.replace(partial, mo_path)
        except OSError:
            continue
        written.append(mo_path)
    return written
