"""The organisation services: creation, profile, moderation, and the helpers other modules use."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from ptcc.accounts.models import User
from ptcc.audit.models import AuditEntry
from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import services
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, load, profile, service_context


def test_creating_makes_a_pending_request_owned_by_its_creator(app, make_user, in_territory):
    creator = make_user(tenant="alpha", locale="en")
    with service_context(app):
        actor = load(User, creator.id)
        organisation = services.create_organisation(actor, **profile(topics=[]))
        db.session.commit()
        assert organisation.slug == "velo-cite"
        assert organisation.status == m.OrganisationStatus.PENDING
        assert organisation.kind == m.OrganisationKind.ASSOCIATION
        assert (organisation.rna, organisation.siren, organisation.siret) == ("W691234567", "732829320",
                                                                              "73282932000074")
        assert organisation.declared_members == 120
        assert [t.name for t in organisation.topics] == ["Mobilité douce"]
        membership = services.membership_of(actor, organisation)
        assert membership.is_owner and membership.may_sign
        # Pending: a member, but not among the person's organisations for other modules.
        assert services.is_active_member(actor, organisation)
        assert services.user_organisations(actor) == []
    assert audit_actions(in_territory) == ["organisation.requested"]


def test_slugs_are_unique_and_never_name_a_page(app, make_user):
    creator = make_user(tenant="alpha")
    with service_context(app):
        actor = load(User, creator.id)
        slugs = [services.create_organisation(actor, **profile(name=name, siret=None, siren=None)).slug
                 for name in ("Vélo Cité", "Velo cite", "New", "!!!")]
        assert slugs == ["velo-cite", "velo-cite-2", "new-2", "organisation"]


def test_topics_are_reused_case_insensitively(app, make_user):
    creator = make_user(tenant="alpha")
    with service_context(app):
        actor = load(User, creator.id)
        first = services.create_organisation(actor, **profile(name="A", new_topics="Culture, numérique libre"))
        second = services.create_organisation(actor, **profile(name="B", new_topics="culture",
                                                                topics=["numerique-libre"]))
        assert sorted(t.slug for t in first.topics) == ["culture", "numerique-libre"]
        assert sorted(t.slug for t in second.topics) == ["culture", "numerique-libre"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Topic)) == 2


@pytest.mark.parametrize("field,value", [
    ("name", "  "),
    ("name", "x" * 161),
    ("kind", "cooperative"),
    ("circle", "third"),
    ("commune", ""),
    ("website", "javascript:alert(1)"),
    ("website", "https://no-dot"),
    ("declared_members", "-3"),
    ("declared_members", "many"),
    ("rna", "W12"),
    ("siren", "123456789"),
    ("siret", "12345678901234"),
    ("siret", "55210055400013"),  # valid, but not an establishment of the SIREN given
    ("topics", ["no-such-topic"]),
])
def test_bad_profile_values_are_refused_on_their_field(app, make_user, in_territory, field, value):
    creator = make_user(tenant="alpha", locale="en")
    with service_context(app):
        with pytest.raises(ServiceError) as refused:
            services.create_organisation(load(User, creator.id), **profile(**{field: value}))
        db.session.rollback()
    assert refused.value.field == field
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Organisation)) == 0


def test_siret_alone_gives_the_siren_and_circle_follows_the_kind(app, make_user):
    creator = make_user(tenant="alpha")
    with service_context(app):
        organisation = services.create_organisation(
            load(User, creator.id), **profile(siren="", kind="local_authority", circle="", website="mairie.example.fr"))
        assert organisation.siren == "732829320"
        assert organisation.circle == m.Circle.SECOND
        assert organisation.website == "https://mairie.example.fr"


def test_unverified_and_anonymous_people_cannot_create(app, make_user):
    unverified = make_user(tenant="alpha", verified=False)
    with service_context(app):
        for actor in (None, AnonymousUserMixin(), load(User, unverified.id)):
            with pytest.raises(PermissionDenied):
                services.create_organisation(actor, **profile())


def test_owner_edits_the_profile_and_the_change_is_audited(app, make_user, make_organisation, in_territory):
    owner = make_user(tenant="alpha")
    member = make_user(tenant="alpha")
    org_id, slug = make_organisation(owner, members=[(member, "member", False)], name="Old name")
    with service_context(app):
        organisation = load(m.Organisation, org_id)
        with pytest.raises(PermissionDenied):
            services.update_organisation(load(User, member.id), organisation, **profile())
        changed = services.update_organisation(load(User, owner.id), organisation, **profile(name="New name"))
        assert "name" in changed and "rna" in changed
        assert organisation.slug == slug  # addresses stay stable
        db.session.commit()
        assert services.update_organisation(load(User, owner.id), organisation, **profile(name="New name")) == []
    with in_territory("alpha"):
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert entry.action == "organisation.updated"
        assert entry.details["changes"]["name"] == {"old": "Old name", "new": "New name"}


def test_moderator_approves_and_the_owners_are_told(app, make_user, make_organisation, outbox, in_territory):
    owner = make_user(tenant="alpha", locale="en", display_name="Olga Owner")
    moderator = make_user(tenant="alpha", role="moderator")
    org_id, slug = make_organisation(owner, status="pending", name="Jardins partagés")
    with service_context(app):
        assert [o.id for o in services.pending_requests(load(User, moderator.id))] == [org_id]
        assert services.pending_join_requests_count() == 1
        services.approve(load(User, moderator.id), load(m.Organisation, org_id))
        db.session.commit()
        organisation = load(m.Organisation, org_id)
        assert organisation.status == m.OrganisationStatus.APPROVED
        assert organisation.decided_by_id == moderator.id and organisation.decided_at is not None
        assert services.user_organisations(load(User, owner.id)) == [organisation]
        with pytest.raises(ServiceError, match="already answered"):
            services.approve(load(User, moderator.id), organisation)
    [mail] = outbox("alpha")
    assert mail["recipient"] == owner.email
    assert mail["subject"] == "Jardins partagés has joined the territory"
    assert f"http://alpha.test/organisations/{slug}" in mail["body"]
    assert audit_actions(in_territory) == ["organisation.approved"]


def test_refusal_needs_a_reason_which_the_owners_receive(app, make_user, make_organisation, outbox, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    moderator = make_user(tenant="alpha", role="moderator", locale="en")
    org_id, _slug = make_organisation(owner, status="pending", name="Collectif")
    with service_context(app):
        for reason in ("", "  no "):
            with pytest.raises(ServiceError) as refused:
                services.refuse(load(User, moderator.id), load(m.Organisation, org_id), reason)
            assert refused.value.field == "reason"
        services.refuse(load(User, moderator.id), load(m.Organisation, org_id), "Not in this territory.")
        db.session.commit()
        organisation = load(m.Organisation, org_id)
        assert organisation.status == m.OrganisationStatus.REFUSED
        assert organisation.refusal_reason == "Not in this territory."
        # The owner may correct and ask again.
        services.resubmit(load(User, owner.id), organisation)
        assert organisation.status == m.OrganisationStatus.PENDING
        db.session.commit()
        with pytest.raises(ServiceError):
            services.resubmit(load(User, owner.id), organisation)
    [mail] = outbox("alpha")
    assert mail["subject"] == "The request of Collectif was refused"
    assert "Not in this territory." in mail["body"]
    assert audit_actions(in_territory) == ["organisation.refused", "organisation.resubmitted"]


def test_decision_e_mail_follows_the_recipients_language(app, make_user, make_organisation, outbox):
    french = make_user(tenant="alpha", locale="")  # no preference: the territory speaks French
    english = make_user(tenant="alpha", locale="en")
    moderator = make_user(tenant="alpha", role="moderator", locale="en")
    org_id, _slug = make_organisation(french, status="pending", name="Radio Kerlenn",
                                      members=[(english, "owner", False)])
    with service_context(app):
        services.approve(load(User, moderator.id), load(m.Organisation, org_id))
        db.session.commit()
    subjects = {mail["recipient"]: mail["subject"] for mail in outbox("alpha")}
    assert subjects == {french.email: "Radio Kerlenn a rejoint le territoire",
                        english.email: "Radio Kerlenn has joined the territory"}


def test_e_mails_are_written_in_the_recipients_language(app, make_user):
    english = make_user(tenant="alpha", locale="en")
    undecided = make_user(tenant="alpha", locale="")
    with service_context(app):
        assert services.locale_of(load(User, english.id)) == "en"
        assert services.locale_of(load(User, undecided.id)) == "fr"  # the territory's default
        assert services.locale_of(None) == "fr"


@pytest.mark.parametrize("role", [None, "member"])
def test_only_moderators_decide(app, make_user, make_organisation, role):
    owner = make_user(tenant="alpha")
    org_id, _slug = make_organisation(owner, status="pending")
    with service_context(app):
        actor = load(User, owner.id) if role else None
        organisation = load(m.Organisation, org_id)
        for call in (lambda: services.approve(actor, organisation),
                     lambda: services.refuse(actor, organisation, "A long enough reason"),
                     lambda: services.pending_requests(actor)):
            with pytest.raises(PermissionDenied):
                call()
        assert organisation.status == m.OrganisationStatus.PENDING


def test_pending_and_refused_organisations_are_hidden_from_outsiders(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    outsider = make_user(tenant="alpha")
    moderator = make_user(tenant="alpha", role="moderator")
    _id, pending = make_organisation(owner, status="pending")
    _id, refused = make_organisation(owner, status="refused")
    _id, approved = make_organisation(owner, status="approved")
    with service_context(app):
        for slug in (pending, refused):
            for actor in (None, load(User, outsider.id)):
                with pytest.raises(NotFound):
                    services.get_organisation(actor, slug)
            assert services.get_organisation(load(User, owner.id), slug).slug == slug
            assert services.get_organisation(load(User, moderator.id), slug).slug == slug
        assert services.get_organisation(None, approved).slug == approved
        with pytest.raises(NotFound):
            services.get_organisation(None, "no-such-organisation")


def test_helpers_for_other_modules(app, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    member = make_user(tenant="alpha")
    asking = make_user(tenant="alpha")
    org_id, _ = make_organisation(owner, name="Zèbre", members=[(member, "member", False),
                                                                 (asking, "member", False, "pending")])
    other_id, _ = make_organisation(owner, name="Abeille")
    make_organisation(owner, name="Pending one", status="pending")
    with service_context(app):
        organisation = load(m.Organisation, org_id)
        assert services.is_active_member(load(User, member.id), organisation)
        assert not services.is_active_member(load(User, asking.id), organisation)
        assert not services.is_active_member(None, organisation)
        assert not services.may_sign_for(load(User, member.id), organisation)
        assert services.may_sign_for(load(User, owner.id), organisation)
        assert [o.name for o in services.user_organisations(load(User, owner.id))] == ["Abeille", "Zèbre"]
        assert services.user_organisations(load(User, asking.id)) == []
        assert services.user_organisations(AnonymousUserMixin()) == []
        assert other_id != org_id
