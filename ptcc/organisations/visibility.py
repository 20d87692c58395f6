"""Which organisations everyone sees, and hiding one after a report.

An organisation is public when it is approved and no moderator has hidden it. Hiding is kept
apart from the organisation's status (its request to join, its suspension): it is the outcome
of a report (``ptcc.reports``), and undoing it gives back whatever the status says. Other
moderation (a suspension) may reuse ``hide``/``unhide`` when it needs the same effect.
"""

from __future__ import annotations

import sqlalchemy as sa

from ptcc.activity.services import hide_entries_about
from ptcc.db import utcnow
from ptcc.extensions import db
from ptcc.organisations.models import Organisation, OrganisationStatus

#: The condition of every public list of organisations (directory, figures, search, missions).
PUBLIC = sa.and_(Organisation.status == OrganisationStatus.APPROVED, Organisation.hidden_at.is_(None))


def hide(organisation: Organisation, reason: str) -> None:
    """Hide the organisation from everyone but the moderators and its members; flush."""
    organisation.hidden_at = organisation.hidden_at or utcnow()
    organisation.hidden_reason = (reason or "").strip()
    hide_entries_about("organisations.show", {"slug": organisation.slug})


def unhide(organisation: Organisation) -> None:
    organisation.hidden_at = None
    organisation.hidden_reason = ""
    hide_entries_about("organisations.show", {"slug": organisation.slug}, hidden=False)


def reportable_type():
    """What ``ptcc_reportable_types`` declares for organisations."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from ptcc.organisations import services
    from ptcc.plugins import ReportableType

    return ReportableType(
        name="organisations.organisation",
        label=_l("Organisation"),
        load=lambda object_id: db.session.get(Organisation, object_id),
        title=lambda organisation: organisation.name,
        url=lambda organisation: url_for("organisations.show", slug=organisation.slug),
        hide=hide,
        unhide=unhide,
        is_hidden=lambda organisation: organisation.is_hidden,
        owners=services.owners,
        may_report=lambda organisation, user: services.can_view(user, organisation),
    )
