"""The plugin's own gettext domain, ``volunteering`` (catalogues in ``translations/``).

Python code translates with ``_`` / ``_l`` / ``_n`` from here. Templates use
``_v("…")`` and ``_vn("…", "…", n)``, installed as Jinja globals by the
blueprint, so that the plugin's strings are translated wherever its templates
are rendered: its pages, the home-page block, e-mails queued from any request.
A message missing from the catalogue falls back to the core's.
Extraction: see the package's README.
"""

from __future__ import annotations

from pathlib import Path

from ptcc.i18n import domain_gettext

DOMAIN = "volunteering"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

translations = domain_gettext(DOMAIN, TRANSLATIONS_DIR)
_ = translations.gettext
_n = translations.ngettext
_l = translations.lazy_gettext
