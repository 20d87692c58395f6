"""Moderation of organisations already in the territory: suspension and reinstatement.

A suspended organisation has the status SUSPENDED: every public list (directory, search
index, open data, activity feed, the plugins' lists such as volunteer missions) shows
approved organisations only, so it disappears from all of them at once, and its page
answers 404 to everyone but its members and the moderators (as a pending one does);
its members see the reason there and on their dashboard. Reinstating makes it approved
again. Both are audited and told to the owners by e-mail.

Merging is in ``ptcc.organisations.merging``; functions check permissions, flush, and
leave the commit to the view.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ptcc.accounts.models import Role
from ptcc.accounts.permissions import require_role
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import ServiceError
from ptcc.extensions import db
from ptcc.organisations.models import Organisation, OrganisationStatus
from ptcc.organisations.services import owners, tell
from ptcc.web.urls import external_url

REASON_MIN, REASON_MAX = 5, 2000


def clean_reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ServiceError(message, field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_("At most %(max)s characters, please.", max=REASON_MAX), field="reason")
    return reason


def suspend(actor, organisation: Organisation, reason: str) -> None:
    """Hide an approved organisation everywhere; its owners are told ``reason``."""
    require_role(actor, Role.MODERATOR)
    if organisation.status != OrganisationStatus.APPROVED:
        raise ServiceError(_("Only an organisation of the territory can be suspended; %(name)s is not one now.",
                             name=organisation.name))
    reason = clean_reason(reason, _("Explain the suspension in a sentence: the owners will read it."))
    organisation.status = OrganisationStatus.SUSPENDED
    organisation.suspension_reason = reason
    organisation.suspended_at = utcnow()
    db.session.flush()
    record(actor, "organisation.suspended", organisation, name=organisation.name, reason=reason)
    tell(owners(organisation), "organisation_suspended", organisation=organisation, reason=reason,
         url=external_url("organisations.show", slug=organisation.slug))


def reinstate(actor, organisation: Organisation) -> None:
    """Make a suspended organisation approved (and visible) again; its owners are told."""
    require_role(actor, Role.MODERATOR)
    if organisation.status != OrganisationStatus.SUSPENDED:
        raise ServiceError(_("%(name)s is not suspended.", name=organisation.name))
    reason = organisation.suspension_reason
    organisation.status = OrganisationStatus.APPROVED
    organisation.suspension_reason = ""
    organisation.suspended_at = None
    db.session.flush()
    record(actor, "organisation.reinstated", organisation, name=organisation.name, reason=reason)
    tell(owners(organisation), "organisation_reinstated", organisation=organisation,
         url=external_url("organisations.show", slug=organisation.slug))


def suspended_organisations(actor) -> list[Organisation]:
    """Suspended organisations, most recently suspended first (the moderators' queue)."""
    require_role(actor, Role.MODERATOR)
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.status == OrganisationStatus.SUSPENDED)
        .order_by(Organisation.suspended_at.desc(), Organisation.id)))
