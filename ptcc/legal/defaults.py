"""The default text of each legal page, written from the territory's settings.

Each page has one Markdown template per language (``templates/legal/defaults/<lang>/<kind>.md``)
rather than gettext messages: a legal text is a document whose sentences lean on each other and
on the law of the country (LCEN, RGPD, RGAA), reviewed and edited as a whole. Cut into gettext
fragments it could neither be read nor reviewed in one piece, and the catalogue would fill with
paragraphs. A language without its own templates reads the English ones.

The templates are ``.md``, so Jinja does not HTML-escape in them: they produce Markdown, which
the page renders through ``ptcc.web.markdown`` (markdown-it, then nh3) like every other text.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from babel.dates import format_date
from flask import current_app, render_template, url_for

from ptcc.legal.models import Compliance, LegalDetails, PageKind
from ptcc.tenancy.addresses import external_url

#: When the default texts themselves last changed: a page showing its default is "last
#: updated" then, or when the facts it is written from last changed, whichever is later.
DEFAULTS_REVISED = datetime(2026, 12, 1, tzinfo=timezone.utc)

#: Languages with their own templates; any other reads the first.
DEFAULT_LANGUAGES = ("en", "fr")

#: What a default says in place of a fact nobody has given yet.
MISSING = {"fr": "*non renseigné*", "en": "*not given yet*"}

#: The RGAA compliance states, as the statement words them.
STATE_LABELS = {
    "fr": {Compliance.NONE: "non conforme", Compliance.PARTIAL: "partiellement conforme",
           Compliance.FULL: "totalement conforme"},
    "en": {Compliance.NONE: "not compliant", Compliance.PARTIAL: "partially compliant",
           Compliance.FULL: "fully compliant"},
}


def document_language(locale: str) -> str:
    language = (locale or "").split("_")[0].split("-")[0].lower()
    return language if language in DEFAULT_LANGUAGES else DEFAULT_LANGUAGES[0]


def _lines(text: str) -> str:
    """Several lines kept as lines in Markdown (a hard break ends each but the last)."""
    return "  \n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def last_changed(details: LegalDetails | None) -> datetime:
    if details is not None and details.updated_at and details.updated_at > DEFAULTS_REVISED:
        return details.updated_at
    return DEFAULTS_REVISED


def facts(details: LegalDetails | None, territory_name: str, language: str) -> dict:
    """What the templates are written from; empty strings where nothing was given."""
    d = details or LegalDetails(accessibility_state=Compliance.NONE)
    state = d.accessibility_state or Compliance.NONE
    audit_date: date | None = d.accessibility_audit_date
    return {
        "name": territory_name,
        "site": external_url("web.index"),
        "publisher": (d.publisher or "").strip(),
        "address": _lines(d.address),
        "director": (d.publication_director or "").strip(),
        "contact_email": (d.contact_email or "").strip(),
        "dpo_contact": _lines(d.dpo_contact),
        "host": _lines(d.host),
        "state_label": STATE_LABELS[language][Compliance(state)],
        "audit_date": format_date(audit_date, "long", locale=language) if audit_date else "",
        "statement_date": format_date(last_changed(details).date(), "long", locale=language),
        "exceptions": (d.accessibility_exceptions or "").strip(),
        "feedback": _lines(d.accessibility_contact) or (
            f"<{d.contact_email.strip()}>" if (d.contact_email or "").strip() else ""),
        "plan": (d.accessibility_plan or "").strip(),
        "missing": MISSING[language],
        "cookie_name": current_app.config.get("SESSION_COOKIE_NAME") or "session",
        "urls": {
            "notice": url_for("legal.notice"),
            "privacy": url_for("legal.privacy"),
            "terms": url_for("legal.terms"),
            "accessibility": url_for("legal.accessibility"),
            "profile": url_for("accounts.profile"),
            "export": url_for("accounts.export"),
            "delete": url_for("accounts.delete"),
        },
    }


def default_text(kind: PageKind, details: LegalDetails | None, territory_name: str, locale: str) -> str:
    """The default Markdown of a page, in the reader's language."""
    language = document_language(locale)
    return render_template(f"legal/defaults/{language}/{PageKind(kind).value}.md",
                           **facts(details, territory_name, language)).strip() + "\n"
