"""Turns ``ptcc.demo.content`` into rows of the current territory's database.

Runs inside ``tenant_context``; flushes but does not commit (the command does).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import sqlalchemy as sa

from ptcc.db import utcnow
from ptcc.extensions import db


def has_people() -> bool:
    from ptcc.accounts.models import User

    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) > 0


def build_territory(content: dict) -> list[str]:
    """Create everything of one demo territory; returns lines for the progress output."""
    people = create_people(content["people"])
    create_settings(content)
    create_legal_details(content.get("legal"))
    lines = [f"{len(people)} people (1 administrator, 1 moderator), all verified"]
    lines += create_organisations(content, people)
    lines += import_communes()
    return lines


def import_communes() -> list[str]:
    """The territory's communes from the official list (its tenant.toml's ``[communes]``), which
    also links the organisations to theirs; skipped with a line when the list is not installed."""
    from ptcc.communes.services import import_from_source
    from ptcc.communes.source import SourceError

    try:
        report = import_from_source()
    except SourceError as exc:
        return [f"communes not imported: {exc}"]
    lines = [f"{report.total} communes from the official list, {report.linked} organisations linked to theirs"]
    if report.unmatched:
        lines.append("organisations whose commune is not on the list: "
                     + ", ".join(f"{item.slug} ({item.commune})" for item in report.unmatched))
    return lines


def create_people(specs: list[dict]) -> dict:
    from ptcc.accounts.models import Role, User
    from ptcc.audit.services import record
    from ptcc.demo.content import DEMO_PASSWORD

    now = utcnow()
    people = {}
    for index, spec in enumerate(specs):
        joined = now - timedelta(days=120 - index * 9)
        user = User(email=spec["email"], display_name=spec["name"], role=Role(spec["role"]),
                    locale="", email_verified_at=joined + timedelta(minutes=7), created_at=joined,
                    last_login_at=now - timedelta(days=index % 5, hours=index))
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        people[spec["key"]] = user
    db.session.flush()
    admin = people["admin"]
    for user in people.values():
        if user is not admin and user.role != Role.MEMBER:
            record(admin, "user.role_changed", user, role=user.role.value)
    return people


def create_settings(content: dict) -> None:
    from ptcc.tenancy.models import TerritorySettings

    row = db.session.get(TerritorySettings, 1) or TerritorySettings(id=1)
    row.presentation = content["presentation"]
    db.session.add(row)
    db.session.flush()


def create_legal_details(legal: dict | None) -> None:
    """The publisher, contacts and accessibility state the legal pages' defaults read."""
    from datetime import date

    from ptcc.legal.models import Compliance, LegalDetails

    if not legal:
        return
    values = dict(legal)
    audit = values.pop("accessibility_audit_date", None)
    row = db.session.get(LegalDetails, 1) or LegalDetails(id=1)
    for name, value in values.items():
        setattr(row, name, Compliance(value) if name == "accessibility_state" else value)
    row.accessibility_audit_date = date(*audit) if audit else None
    db.session.add(row)
    db.session.flush()


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def create_organisations(content: dict, people: dict) -> list[str]:
    """Organisations, topics, memberships, join requests and the audit entries of approvals.

    Written against ``ptcc.organisations.models``: ``Topic(name, slug)``;
    ``Organisation(slug, name, kind, circle, description, commune, website, rna, siren,
    declared_members, status, created_by_id, created_at, decided_by_id, decided_at, topics)``;
    ``Membership(organisation, user, role, may_sign, status)`` with the enumerations ``OrganisationKind``,
    ``OrganisationStatus`` (pending/approved), ``MembershipRole`` (owner/member) and
    ``MembershipStatus`` (pending/active).
    """
    from ptcc.audit.services import record
    from ptcc.demo.content import siren_from_seed
    from ptcc.organisations import models as m

    moderator = people["moderator"]
    now = utcnow()
    topics = {name: m.Topic(name=name, slug=slugify(name)) for name in content["topics"]}
    db.session.add_all(topics.values())

    organisations, memberships, pending_orgs = {}, 0, 0
    specs = content["organisations"]
    for index, spec in enumerate(specs):
        owner = next(people[key] for key, role, _sign in spec["members"] if role == "owner")
        pending = spec.get("pending", False)
        kind = m.OrganisationKind(spec["kind"])
        created_at = now - timedelta(days=90 - index * 8)
        organisation = m.Organisation(
            slug=slugify(spec["name"]),
            name=spec["name"],
            kind=kind,
            circle=m.usual_circle(kind),
            description=spec["description"],
            commune=spec["commune"],
            website=spec.get("website", ""),
            rna=spec.get("rna", ""),
            siren=siren_from_seed(spec["siren_seed"]) if "siren_seed" in spec else "",
            declared_members=spec.get("declared_members"),
            status=m.OrganisationStatus.PENDING if pending else m.OrganisationStatus.APPROVED,
            created_by_id=owner.id,
            created_at=created_at,
            decided_by_id=None if pending else moderator.id,
            decided_at=None if pending else created_at + timedelta(days=2),
        )
        organisation.topics = [topics[name] for name in spec["topics"]]
        db.session.add(organisation)
        db.session.flush()
        organisations[spec["name"]] = organisation
        if pending:
            pending_orgs += 1
        else:
            record(moderator, "organisation.approved", organisation, name=organisation.name)
        for key, role, may_sign in spec["members"]:
            db.session.add(m.Membership(organisation=organisation, user=people[key], role=m.MembershipRole(role),
                                        may_sign=may_sign, status=m.MembershipStatus.ACTIVE))
            memberships += 1

    for org_name, key in content["pending_memberships"]:
        db.session.add(m.Membership(organisation=organisations[org_name], user=people[key],
                                    role=m.MembershipRole.MEMBER, may_sign=False,
                                    status=m.MembershipStatus.PENDING))
    db.session.flush()

    kinds = {spec["kind"] for spec in specs}
    requests = len(content["pending_memberships"])
    return [
        f"{len(topics)} topics",
        f"{len(specs)} organisations of {len(kinds)} kinds, {pending_orgs} waiting for the moderators",
        f"{memberships} memberships, {requests} join request{'s' if requests != 1 else ''} waiting for an answer",
    ]
