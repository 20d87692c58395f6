"""What people read for the organisations' enumerations, in their language."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from ptcc.organisations.models import Circle, MembershipRole, MembershipStatus, OrganisationKind, OrganisationStatus

KIND_LABELS = {
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.THIRD_PLACE: _l("Third place (tiers-lieu)"),
    OrganisationKind.FEDERATION: _l("Federation"),
    OrganisationKind.LOCAL_AUTHORITY: _l("Local authority"),
    OrganisationKind.ESS_ENTERPRISE: _l("Social and solidarity economy enterprise"),
    OrganisationKind.CITIZEN_COLLECTIVE: _l("Citizen collective"),
    OrganisationKind.CITIZEN_MEDIA: _l("Citizen media"),
    OrganisationKind.RESEARCH_CENTRE: _l("Research centre"),
    OrganisationKind.OTHER: _l("Other"),
}

CIRCLE_LABELS = {
    Circle.FIRST: _l("First circle: field actor"),
    Circle.SECOND: _l("Second circle: partner"),
}

STATUS_LABELS = {
    OrganisationStatus.PENDING: _l("Waiting for the moderators"),
    OrganisationStatus.APPROVED: _l("Member of the territory"),
    OrganisationStatus.REFUSED: _l("Request refused"),
    OrganisationStatus.SUSPENDED: _l("Suspended by the moderators"),
    OrganisationStatus.MERGED: _l("Merged into another organisation"),
}

ROLE_LABELS = {
    MembershipRole.OWNER: _l("Owner"),
    MembershipRole.MEMBER: _l("Member"),
}

MEMBERSHIP_STATUS_LABELS = {
    MembershipStatus.PENDING: _l("Request waiting for an answer"),
    MembershipStatus.ACTIVE: _l("Active"),
}


#: Why an organisation is shown as a likely duplicate (``ptcc.organisations.duplicates``).
DUPLICATE_REASON_LABELS = {
    "name": _l("similar name in the same commune"),
    "rna": _l("same RNA number"),
    "siren": _l("same SIREN number"),
}


def duplicate_reason(reason: str) -> str:
    return str(DUPLICATE_REASON_LABELS[reason])


def kind_label(kind) -> str:
    return str(KIND_LABELS[OrganisationKind(kind)])


def circle_label(circle) -> str:
    return str(CIRCLE_LABELS[Circle(circle)])


def status_label(status) -> str:
    return str(STATUS_LABELS[OrganisationStatus(status)])


def role_label(role) -> str:
    return str(ROLE_LABELS[MembershipRole(role)])


def membership_status_label(status) -> str:
    return str(MEMBERSHIP_STATUS_LABELS[MembershipStatus(status)])


def number(value) -> str:
    """A count written the way the reader's language writes numbers (12 345, 12,345)."""
    return format_decimal(value or 0)


#: Given to templates that present organisations.
TEMPLATE_HELPERS = {
    "kind_label": kind_label,
    "circle_label": circle_label,
    "status_label": status_label,
    "role_label": role_label,
    "membership_status_label": membership_status_label,
    "number": number,
    "duplicate_reason": duplicate_reason,
}
