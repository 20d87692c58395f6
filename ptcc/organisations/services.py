"""Organisations: profiles, the request to join the territory, and who belongs where.

Every function that changes something checks the actor's rights first, then
changes and flushes; the view commits. Administrative actions go to the audit
log; people are told by e-mail through the outbox, in their own language.

Other modules rely on ``is_active_member`` and ``user_organisations``.
Memberships and invitations are in ``ptcc.organisations.memberships``; the
directory in ``ptcc.organisations.directory``.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from ptcc.accounts.models import Role, User
from ptcc.accounts.permissions import has_role, is_signed_in, require_role, require_signed_in, require_verified
from ptcc.audit.services import record
from ptcc.db import utcnow
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import identifiers
from ptcc.organisations.models import (
    Circle,
    Membership,
    MembershipRole,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Topic,
    usual_circle,
)
from ptcc.outbox.services import queue_templated_email
from ptcc.web.urls import external_url

#: Slugs that name pages of the module rather than an organisation.
RESERVED_SLUGS = {"new", "mine", "queue", "invitations", "open-data"}
MAX_TOPICS = 10
MAX_DECLARED_MEMBERS = 10_000_000
#: The profile fields, in form order; ``clean_profile`` checks each of them.
PROFILE_FIELDS = ("name", "kind", "circle", "description", "topics", "new_topics", "commune", "website",
                  "declared_members", "rna", "siren", "siret")


# --- who may do what -----------------------------------------------------------------


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(sa.select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id == user.id))


def is_active_member(user, organisation: Organisation) -> bool:
    """Whether ``user`` belongs to ``organisation`` (accepted, any role), approved or not."""
    membership = membership_of(user, organisation)
    return membership is not None and membership.is_active


def is_owner(user, organisation: Organisation) -> bool:
    membership = membership_of(user, organisation)
    return membership is not None and membership.is_owner


def may_sign_for(user, organisation: Organisation) -> bool:
    """Whether ``user`` may sign on behalf of the (approved) organisation."""
    membership = membership_of(user, organisation)
    return bool(membership and membership.is_active and membership.may_sign and organisation.is_approved)


def user_organisations(user) -> list[Organisation]:
    """Approved organisations where ``user`` is an active member, by name."""
    if not is_signed_in(user):
        return []
    return list(db.session.scalars(
        sa.select(Organisation).join(Membership)
        .where(Membership.user_id == user.id, Membership.status == MembershipStatus.ACTIVE,
               Organisation.status == OrganisationStatus.APPROVED)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)))


def can_view(user, organisation: Organisation) -> bool:
    """Approved organisations are public unless hidden; others only for their members and the moderators."""
    return (organisation.is_public or has_role(user, Role.MODERATOR)
            or is_active_member(user, organisation))


def require_owner(actor, organisation: Organisation) -> None:
    require_signed_in(actor)
    if not is_owner(actor, organisation):
        raise PermissionDenied(_("Only the owners of %(name)s may do this.", name=organisation.name))


class OrganisationMoved(Exception):
    """The slug names an organisation merged into another one, at ``slug``: pages redirect there."""

    def __init__(self, slug: str):
        super().__init__(slug)
        self.slug = slug


def get_organisation(actor, slug: str) -> Organisation:
    """The organisation at ``slug`` if ``actor`` may see it; NotFound otherwise (existence is not told).

    The slug of an organisation merged into another raises ``OrganisationMoved`` (a redirect).
    """
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == (slug or "")[:80]))
    if organisation is not None and organisation.status == OrganisationStatus.MERGED:
        kept = organisation.merged_into
        if kept is not None and kept.status != OrganisationStatus.MERGED:
            raise OrganisationMoved(kept.slug)
        raise NotFound(_("This organisation does not exist here."))
    if organisation is None or not can_view(actor, organisation):
        raise NotFound(_("This organisation does not exist here."))
    return organisation


def owners(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id, Membership.role == MembershipRole.OWNER,
               Membership.status == MembershipStatus.ACTIVE)
        .order_by(User.id)))


def my_memberships(actor) -> list[Membership]:
    """Every membership and join request of ``actor``, whatever the organisation's status."""
    require_signed_in(actor)
    return list(db.session.scalars(
        sa.select(Membership).join(Organisation)
        .where(Membership.user_id == actor.id)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)))


def requests_to_answer(user) -> list[tuple[Organisation, int]]:
    """Organisations ``user`` owns that have join requests waiting, with how many."""
    if not is_signed_in(user):
        return []
    asking = aliased(Membership)
    owned = (sa.select(Membership.organisation_id)
             .where(Membership.user_id == user.id, Membership.role == MembershipRole.OWNER,
                    Membership.status == MembershipStatus.ACTIVE))
    rows = db.session.execute(
        sa.select(Organisation, sa.func.count(asking.id))
        .join(asking, asking.organisation_id == Organisation.id)
        .where(Organisation.id.in_(owned), asking.status == MembershipStatus.PENDING)
        .group_by(Organisation.id).order_by(Organisation.name)).all()
    return [(organisation, count) for organisation, count in rows]


# --- e-mails -------------------------------------------------------------------------


def locale_of(user: User | None) -> str:
    """The language to write to ``user`` in: theirs, else the territory's default."""
    from ptcc.tenancy.settings import territory_settings

    if user is not None and user.locale:
        return user.locale
    return territory_settings().default_locale


def tell(people, template: str, **context) -> None:
    """Queue ``organisations/email/<template>.txt`` to each person, in their language."""
    for person in people:
        queue_templated_email(person.email, f"organisations/email/{template}", locale_of(person),
                              person=person, **context)


# --- the profile ---------------------------------------------------------------------


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def unique_slug(name: str) -> str:
    base = slugify(name) or "organisation"
    taken = set(db.session.scalars(sa.select(Organisation.slug).where(Organisation.slug.startswith(base))))
    taken |= RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _text(values: dict, key: str, max_length: int, required_message: str | None = None) -> str:
    value = (values.get(key) or "").strip()
    if required_message and not value:
        raise ServiceError(required_message, field=key)
    if len(value) > max_length:
        raise ServiceError(_("At most %(max)s characters, please.", max=max_length), field=key)
    return value


def clean_website(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname \
            or any(c.isspace() for c in value):
        raise ServiceError(_("Give the website's address, for instance https://example.org."), field="website")
    if len(value) > 300:
        raise ServiceError(_("At most %(max)s characters, please.", max=300), field="website")
    return value


def _clean_declared_members(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(_("Give a whole number of members."), field="declared_members") from None
    if not 0 <= number <= MAX_DECLARED_MEMBERS:
        raise ServiceError(_("Give a number between 0 and %(max)s.", max=MAX_DECLARED_MEMBERS),
                           field="declared_members")
    return number


def _clean_identifier(cleaner, value, field: str) -> str:
    try:
        return cleaner(value)
    except ValueError as exc:
        raise ServiceError(str(exc), field=field) from None


def resolve_topics(slugs, new_names) -> list[Topic]:
    """Existing topics by slug, plus topics named in ``new_names`` (created when unknown)."""
    slugs = list(dict.fromkeys(s for s in (slugs or []) if s))
    topics = list(db.session.scalars(sa.select(Topic).where(Topic.slug.in_(slugs)))) if slugs else []
    if len(topics) != len(slugs):
        raise ServiceError(_("Choose topics from the list."), field="topics")
    if isinstance(new_names, str):
        new_names = new_names.split(",")
    for raw in new_names or []:
        name = " ".join(raw.split())
        if not name:
            continue
        slug = slugify(name)
        if len(name) > 80 or not slug:
            raise ServiceError(_("A topic is a short name of at most 80 characters, with letters or digits."),
                               field="new_topics")
        topic = db.session.scalar(sa.select(Topic).where(
            sa.or_(Topic.slug == slug, sa.func.lower(Topic.name) == name.lower())))
        if topic is None:
            topic = Topic(name=name[:1].upper() + name[1:], slug=slug)
            db.session.add(topic)
        if topic not in topics:
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise ServiceError(_("Choose at most %(max)s topics.", max=MAX_TOPICS), field="topics")
    return topics


def _clean_commune(value) -> dict:
    """``commune`` (the name shown) and ``commune_code``: one of the territory's communes, by
    INSEE code (what the form's select sends) or by its exact name; free text while the
    territory has not imported its communes (``ptcc communes import``)."""
    from ptcc.communes import services as communes
    from ptcc.communes.source import fold

    text = _text({"commune": value}, "commune", 120, _("Give the commune where the organisation is based."))
    if not communes.has_communes():
        return {"commune": text, "commune_code": None}
    found = communes.get(text)
    if found is None:
        named = [choice for choice in communes.choices() if choice.folded == fold(text)]
        found = named[0] if len(named) == 1 else None
    if found is None:
        raise ServiceError(_("Choose a commune of the territory from the list."), field="commune")
    return {"commune": found.name, "commune_code": found.code}


def clean_profile(values: dict) -> dict:
    """Check and normalise every profile field; raises ServiceError naming the first bad field."""
    cleaned = {
        "name": _text(values, "name", 160, _("Give the organisation's name.")),
        "description": _text(values, "description", 20000),
        **_clean_commune(values.get("commune")),
        "website": clean_website(values.get("website")),
        "declared_members": _clean_declared_members(values.get("declared_members")),
        "rna": _clean_identifier(identifiers.clean_rna, values.get("rna"), "rna"),
        "siren": _clean_identifier(identifiers.clean_siren, values.get("siren"), "siren"),
        "siret": _clean_identifier(identifiers.clean_siret, values.get("siret"), "siret"),
    }
    try:
        cleaned["kind"] = OrganisationKind(values.get("kind"))
    except ValueError:
        raise ServiceError(_("Choose the kind of organisation from the list."), field="kind") from None
    circle = values.get("circle") or None
    try:
        cleaned["circle"] = Circle(circle) if circle else usual_circle(cleaned["kind"])
    except ValueError:
        raise ServiceError(_("Choose one of the two circles."), field="circle") from None
    mismatch = identifiers.siren_siret_mismatch(cleaned["siren"], cleaned["siret"])
    if mismatch:
        raise ServiceError(mismatch, field="siret")
    if cleaned["siret"] and not cleaned["siren"]:
        cleaned["siren"] = cleaned["siret"][:9]  # a SIRET names its SIREN
    cleaned["topics"] = resolve_topics(values.get("topics"), values.get("new_topics"))
    return cleaned


def create_organisation(actor, **values) -> Organisation:
    """A new organisation, pending: its request to join the territory. The creator owns it."""
    require_verified(actor)
    data = clean_profile(values)
    topics = data.pop("topics")
    organisation = Organisation(slug=unique_slug(data["name"]), status=OrganisationStatus.PENDING,
                                created_by_id=actor.id, created_at=utcnow(), **data)
    organisation.topics = topics
    db.session.add(organisation)
    # The creator speaks for the organisation until they hand this over.
    db.session.add(Membership(organisation=organisation, user_id=actor.id, role=MembershipRole.OWNER,
                              may_sign=True, status=MembershipStatus.ACTIVE))
    db.session.flush()
    record(actor, "organisation.requested", organisation, name=organisation.name)
    return organisation


def _shown(value):
    if isinstance(value, list):
        return [topic.name for topic in value]
    if hasattr(value, "value"):
        return value.value
    return value


def update_organisation(actor, organisation: Organisation, **values) -> list[str]:
    """Change the profile; returns the names of the changed fields (the address stays)."""
    require_owner(actor, organisation)
    data = clean_profile(values)
    changes = {}
    for key, value in data.items():
        old = getattr(organisation, key)
        if (key == "topics" and sorted(t.slug for t in old) != sorted(t.slug for t in value)) \
                or (key != "topics" and old != value):
            changes[key] = {"old": _shown(old), "new": _shown(value)}
            setattr(organisation, key, value)
    if changes:
        db.session.flush()
        record(actor, "organisation.updated", organisation, name=organisation.name, fields=sorted(changes),
               changes={k: v for k, v in changes.items() if k != "description"})
    return sorted(changes)


# --- the request to join the territory ---------------------------------------------------


def pending_requests(actor) -> list[Organisation]:
    """Organisations waiting for a decision, oldest first."""
    require_role(actor, Role.MODERATOR)
    return list(db.session.scalars(
        sa.select(Organisation).where(Organisation.status == OrganisationStatus.PENDING)
        .order_by(Organisation.created_at, Organisation.id)))


def pending_join_requests_count() -> int:
    """For the administration dashboard."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)
                             .where(Organisation.status == OrganisationStatus.PENDING))


def _require_pending(organisation: Organisation) -> None:
    if organisation.status != OrganisationStatus.PENDING:
        raise ServiceError(_("The request of %(name)s was already answered.", name=organisation.name))


def approve(actor, organisation: Organisation) -> None:
    require_role(actor, Role.MODERATOR)
    _require_pending(organisation)
    organisation.status = OrganisationStatus.APPROVED
    organisation.refusal_reason = ""
    organisation.decided_by_id, organisation.decided_at = actor.id, utcnow()
    db.session.flush()
    record(actor, "organisation.approved", organisation, name=organisation.name)
    tell(owners(organisation), "organisation_approved", organisation=organisation,
         url=external_url("organisations.show", slug=organisation.slug))


def refuse(actor, organisation: Organisation, reason: str) -> None:
    require_role(actor, Role.MODERATOR)
    _require_pending(organisation)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ServiceError(_("Explain the refusal in a sentence: the requester will read it."), field="reason")
    if len(reason) > 2000:
        raise ServiceError(_("At most %(max)s characters, please.", max=2000), field="reason")
    organisation.status = OrganisationStatus.REFUSED
    organisation.refusal_reason = reason
    organisation.decided_by_id, organisation.decided_at = actor.id, utcnow()
    db.session.flush()
    record(actor, "organisation.refused", organisation, name=organisation.name, reason=reason)
    tell(owners(organisation), "organisation_refused", organisation=organisation, reason=reason,
         url=external_url("organisations.show", slug=organisation.slug))


def resubmit(actor, organisation: Organisation) -> None:
    """After a refusal, the owners may correct the profile and ask again."""
    require_owner(actor, organisation)
    if organisation.status != OrganisationStatus.REFUSED:
        raise ServiceError(_("Only a refused request can be sent again."))
    organisation.status = OrganisationStatus.PENDING
    db.session.flush()
    record(actor, "organisation.resubmitted", organisation, name=organisation.name)
