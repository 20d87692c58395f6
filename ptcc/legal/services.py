"""The territory's legal pages: reading them, editing them, the facts behind their defaults.

Every function that changes something checks the actor's role first, then writes and
flushes; the view commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.audit.services import record
from ptcc.caching import cached_per_territory, data_version
from ptcc.errors import NotFound, ServiceError
from ptcc.extensions import db
from ptcc.legal import defaults
from ptcc.legal.models import Compliance, LegalDetails, LegalPage, PageKind
from ptcc.web.markdown import render_markdown

#: Longest page an administrator may save (characters).
BODY_MAX = 50_000

PAGE_TITLES = {
    PageKind.NOTICE: _l("Legal notice"),
    PageKind.PRIVACY: _l("Privacy policy"),
    PageKind.TERMS: _l("Terms of use"),
    PageKind.ACCESSIBILITY: _l("Accessibility statement"),
}

COMPLIANCE_LABELS = {
    Compliance.NONE: _l("Not compliant"),
    Compliance.PARTIAL: _l("Partially compliant"),
    Compliance.FULL: _l("Fully compliant"),
}

#: The facts an administrator gives: name -> (longest length, several lines allowed).
DETAIL_FIELDS = {
    "publisher": (200, False),
    "address": (500, True),
    "publication_director": (200, False),
    "contact_email": (254, False),
    "dpo_contact": (500, True),
    "host": (500, True),
    "accessibility_contact": (500, True),
    "accessibility_exceptions": (BODY_MAX, True),
    "accessibility_plan": (BODY_MAX, True),
}

#: C0 and C1 control characters but tab and line breaks: no stored text carries them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def page_kind(value) -> PageKind:
    try:
        return PageKind(value)
    except ValueError:
        raise NotFound(_("There is no such page.")) from None


def page_title(kind) -> str:
    return str(PAGE_TITLES[PageKind(kind)])


def compliance_label(state) -> str:
    return str(COMPLIANCE_LABELS[Compliance(state)])


# --- reading --------------------------------------------------------------------------


def details_row() -> LegalDetails | None:
    return db.session.get(LegalDetails, 1)


def contact_email() -> str:
    """The territory's contact address for every page's footer (kept per data version: no
    statement per page). Empty before the territory is migrated: its 503 page has a footer too."""
    if data_version() is None:
        return ""
    return _kept_contact_email()


@cached_per_territory("legal.contact_email")
def _kept_contact_email() -> str:
    row = details_row()
    return row.contact_email if row else ""


def _page_row(kind: PageKind) -> LegalPage | None:
    return db.session.scalar(sa.select(LegalPage).where(LegalPage.kind == kind))


@dataclass(frozen=True)
class LegalView:
    kind: PageKind
    title: str
    #: The Markdown shown: the territory's own, or the default in the reader's language.
    markdown: str
    is_default: bool
    updated_at: datetime

    @property
    def html(self) -> Markup:
        return render_markdown(self.markdown)


def _territory_name() -> str:
    from ptcc.tenancy.settings import territory_settings

    return territory_settings().name


def default_markdown(kind, locale: str | None = None) -> str:
    return defaults.default_text(PageKind(kind), details_row(), _territory_name(),
                                 locale if locale is not None else str(get_locale() or ""))


def legal_page(kind, locale: str | None = None) -> LegalView:
    """What a page shows, and since when."""
    kind = PageKind(kind)
    row = _page_row(kind)
    if row is not None:
        return LegalView(kind, page_title(kind), row.body, False, row.updated_at)
    return LegalView(kind, page_title(kind), default_markdown(kind, locale), True,
                     defaults.last_changed(details_row()))


def terms_version() -> str:
    """The terms a person accepts now, named by the date and time of their last change."""
    return legal_page(PageKind.TERMS).updated_at.replace(microsecond=0).isoformat()


# --- editing --------------------------------------------------------------------------


def _clean_text(value, name: str, limit: int, multiline: bool) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if _CONTROL.search(text) or (not multiline and "\n" in text):
        raise ServiceError(_("This text contains characters that cannot be saved."), field=name)
    if len(text) > limit:
        raise ServiceError(_("At most %(n)d characters.", n=limit), field=name)
    return text


def save_page(actor, kind, body: str) -> LegalPage:
    """Replace a page's text with the administrator's own Markdown."""
    require_role(actor, Role.ADMIN)
    kind = page_kind(kind)
    text = _clean_text(body, "body", BODY_MAX, True)
    if not text:
        raise ServiceError(_("Write the page's text, or restore the default."), field="body")
    row = _page_row(kind)
    created = row is None
    if created:
        row = LegalPage(kind=kind, body="")
        db.session.add(row)
    elif row.body == text:
        return row
    row.body = text
    row.updated_by_id = actor.id
    db.session.flush()
    record(actor, "legal.page_saved", target=row, page=kind.value, created=created or None,
           characters=len(text))
    return row


def restore_default(actor, kind) -> bool:
    """Drop the territory's own text: the page shows its default again. False when it already did."""
    require_role(actor, Role.ADMIN)
    kind = page_kind(kind)
    row = _page_row(kind)
    if row is None:
        return False
    record(actor, "legal.page_restored", target=row, page=kind.value)
    db.session.delete(row)
    db.session.flush()
    return True


def current_details(actor) -> dict:
    require_role(actor, Role.ADMIN)
    row = details_row()
    values = {name: getattr(row, name) if row else "" for name in DETAIL_FIELDS}
    values["accessibility_state"] = (row.accessibility_state if row else Compliance.NONE).value
    values["accessibility_audit_date"] = row.accessibility_audit_date if row else None
    return values


def update_details(actor, **values) -> list[str]:
    """Save the facts the defaults are written from; the names of the fields that changed."""
    require_role(actor, Role.ADMIN)
    cleaned: dict = {}
    for name, (limit, multiline) in DETAIL_FIELDS.items():
        if name in values:
            cleaned[name] = _clean_text(values[name], name, limit, multiline)
    if cleaned.get("contact_email") and not _EMAIL.match(cleaned["contact_email"]):
        raise ServiceError(_("Give an e-mail address such as contact@example.org."), field="contact_email")
    if "accessibility_state" in values:
        try:
            cleaned["accessibility_state"] = Compliance(values["accessibility_state"])
        except ValueError:
            raise ServiceError(_("Choose a compliance state from the list."), field="accessibility_state") from None
    if "accessibility_audit_date" in values:
        audit = values["accessibility_audit_date"]
        if audit is not None and (not isinstance(audit, date) or audit > date.today()):
            raise ServiceError(_("The audit date cannot be in the future."), field="accessibility_audit_date")
        cleaned["accessibility_audit_date"] = audit
    row = details_row()
    current = row or LegalDetails(id=1, **{name: "" for name in DETAIL_FIELDS}, accessibility_state=Compliance.NONE)
    changed = sorted(name for name, value in cleaned.items() if getattr(current, name) != value)
    if not changed:
        return []
    if row is None:
        row = current
        db.session.add(row)
    for name in changed:
        setattr(row, name, cleaned[name])
    db.session.flush()
    record(actor, "legal.details_changed", target=row, fields=changed)
    return changed
