"""Merging a duplicate organisation: nothing lost, nothing left pointing at it, its addresses redirect."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.activity.models import ActivityEntry
from ptcc.audit.models import AuditEntry
from ptcc.audit.services import record
from ptcc.errors import PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import directory, merging, services
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, load, service_context


@pytest.fixture
def duplicates(app, make_user, make_organisation):
    """Two registrations of the same association, with everything that can be attached to them.

    ``kept`` (approved): its owner, Camille as a member, an open invitation to dominique@.
    ``merged`` (approved): its owner, Camille as owner (stronger than in kept), Lou's pending
    request, open invitations to dominique@ (also invited by kept) and eden@, an accepted one,
    a topic kept lacks, an audit entry, an activity entry, a volunteer mission, and the
    tombstone of an earlier merge into it.
    """
    from ptcc_volunteering.models import Mission

    people = {key: make_user(tenant="alpha", locale="en", email=f"{key}@example.org")
              for key in ("kept_owner", "merged_owner", "camille", "lou")}
    people["moderator"] = make_user(tenant="alpha", locale="en", role="moderator")
    kept_id, kept_slug = make_organisation(
        people["kept_owner"], name="Les Amis du Vélo", slug="les-amis-du-velo", topics=("Mobilité",),
        members=((people["camille"], "member", False),))
    merged_id, merged_slug = make_organisation(
        people["merged_owner"], name="Amis du velo", slug="amis-du-velo", topics=("Mobilité", "Réparation"),
        members=((people["camille"], "owner", True), (people["lou"], "member", False, "pending")))
    old_id, old_slug = make_organisation(people["merged_owner"], name="Amis du vélo (ancien)", slug="amis-ancien",
                                         status="approved")
    with service_context(app):
        old = load(m.Organisation, old_id)
        old.status, old.merged_into_id = m.OrganisationStatus.MERGED, merged_id
        db.session.execute(sa.delete(m.Membership).where(m.Membership.organisation_id == old_id))
        db.session.add_all([
            m.Invitation(organisation_id=kept_id, email="dominique@example.org"),
            m.Invitation(organisation_id=merged_id, email="dominique@example.org"),
            m.Invitation(organisation_id=merged_id, email="eden@example.org", role=m.MembershipRole.OWNER),
            m.Invitation(organisation_id=merged_id, email="camille@example.org",
                         accepted_at=sa.func.current_timestamp()),
            ActivityEntry(kind="volunteering.mission_published", plugin="volunteering", subject="Atelier",
                          organisation_id=merged_id),
            Mission(organisation_id=merged_id, title="Atelier de réparation", commune="Lyon", volunteers_needed=3),
        ])
        record(load(User, people["merged_owner"].id), "organisation.requested", load(m.Organisation, merged_id),
               name="Amis du velo")
        db.session.commit()
    return {"people": people, "kept": (kept_id, kept_slug), "merged": (merged_id, merged_slug),
            "old": (old_id, old_slug)}


def _memberships(organisation_id) -> dict[str, tuple]:
    rows = db.session.execute(
        sa.select(User.email, m.Membership.role, m.Membership.status, m.Membership.may_sign)
        .join(User, User.id == m.Membership.user_id).where(m.Membership.organisation_id == organisation_id))
    return {email.split("@")[0]: (role.value, status.value, may_sign) for email, role, status, may_sign in rows}


def _pointing_at(organisation_id) -> dict[str, int]:
    """Rows of every table whose foreign key names the organisation, derived from the metadata
    (a table added later, by the core or a plugin, is covered without changing this test)."""
    found = {}
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "organisations":
                n = db.session.scalar(sa.select(sa.func.count()).select_from(table)
                                      .where(fk.parent == organisation_id))
                if n:
                    found[f"{table.name}.{fk.parent.name}"] = n
    return found


def test_merge_moves_everything_and_leaves_nothing_pointing_at_the_duplicate(
        app, duplicates, client_for, make_user, outbox, in_territory):
    from ptcc_volunteering.models import Mission

    people = duplicates["people"]
    (kept_id, kept_slug), (merged_id, merged_slug) = duplicates["kept"], duplicates["merged"]
    with in_territory("alpha"):
        missions_before = db.session.scalar(sa.select(sa.func.count()).select_from(Mission))
        people_before = set(_memberships(kept_id)) | set(_memberships(merged_id))
        assert "organisation_topics.organisation_id" in _pointing_at(merged_id)
        assert "volunteering_missions.organisation_id" in _pointing_at(merged_id)
        assert "organisations.merged_into_id" in _pointing_at(merged_id)
        audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    client = client_for(people["moderator"])

    # The confirmation page: the likely duplicate comes first, then what will move.
    choose = client.get(f"/organisations/{merged_slug}/merge").get_data(as_text=True)
    assert "Les Amis du Vélo (likely duplicate)" in choose
    page = client.get(f"/organisations/{merged_slug}/merge?into={kept_slug}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Confirm the merge" in html
    assert "1 person is in both" in html and "volunteering_missions.organisation_id: 1" in html
    with in_territory("alpha"):  # showing it changed nothing
        assert db.session.get(m.Organisation, merged_id).status == m.OrganisationStatus.APPROVED

    response = client.submit(f"/organisations/{merged_slug}/merge", {"into": kept_slug})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/organisations/{kept_slug}")

    with in_territory("alpha"):
        assert _pointing_at(merged_id) == {}
        merged = db.session.get(m.Organisation, merged_id)
        assert merged.status == m.OrganisationStatus.MERGED and merged.merged_into_id == kept_id
        # The earlier tombstone now leads straight to the kept organisation.
        assert db.session.get(m.Organisation, duplicates["old"][0]).merged_into_id == kept_id
        members = _memberships(kept_id)
        assert set(members) == people_before
        assert members["camille"] == ("owner", "active", True)  # the stronger of her two places
        assert members["lou"] == ("member", "pending", False)
        assert members["merged_owner"] == ("owner", "active", True)
        invitations = sorted((i.email, i.accepted_at is None) for i in db.session.scalars(
            sa.select(m.Invitation).where(m.Invitation.organisation_id == kept_id)))
        assert invitations == [("camille@example.org", False), ("dominique@example.org", True),
                               ("eden@example.org", True)]
        kept = db.session.get(m.Organisation, kept_id)
        assert sorted(t.name for t in kept.topics) == ["Mobilité", "Réparation"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mission)) == missions_before
        assert db.session.scalar(sa.select(Mission.organisation_id)) == kept_id
        assert db.session.scalar(sa.select(ActivityEntry.organisation_id)) == kept_id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before + 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.target_type == "organisation", AuditEntry.target_id == str(merged_id))) == 0
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.merged"))
        assert entry.target_id == str(kept_id) and entry.details["merged_slug"] == merged_slug
        assert entry.details["memberships"] == 3
    with service_context(app):
        # The search index follows: the tombstone is not found, the mission names the kept organisation.
        assert [hit.slug for hit in directory.search_hits("velo", 10)] == [kept_slug]
        from ptcc_volunteering import queries

        assert [hit.organisation_name for hit in queries.search_hits("atelier", 10)] == ["Les Amis du Vélo"]
    assert "merged_owner@example.org" in [mail["recipient"] for mail in outbox("alpha")]
    audit = client_for(make_user(tenant="alpha", role="admin", locale="en")).get("/admin/audit").get_data(as_text=True)
    assert "Duplicate organisation merged" in audit and "Merged organisation" in audit


def test_a_merged_organisations_addresses_redirect_and_its_slug_stays_taken(
        app, duplicates, client_for, alpha, make_user):
    people = duplicates["people"]
    (kept_id, kept_slug), (merged_id, merged_slug) = duplicates["kept"], duplicates["merged"]
    with service_context(app):
        merging.merge(load(User, people["moderator"].id), load(m.Organisation, kept_id),
                      load(m.Organisation, merged_id))
        db.session.commit()

    page = alpha.get(f"/organisations/{merged_slug}?from=newsletter")
    assert page.status_code == 301
    assert page.headers["Location"].endswith(f"/organisations/{kept_slug}?from=newsletter")
    assert alpha.get(f"/organisations/{duplicates['old'][1]}").headers["Location"].endswith(
        f"/organisations/{kept_slug}")
    member_client = client_for(people["lou"])
    members = member_client.get(f"/organisations/{merged_slug}/members")
    assert members.status_code == 301 and members.headers["Location"].endswith(f"/organisations/{kept_slug}/members")
    sent = member_client.submit(f"/organisations/{merged_slug}/leave")
    assert sent.status_code == 308 and sent.headers["Location"].endswith(f"/organisations/{kept_slug}/leave")
    assert alpha.get(f"/organisations/{merged_slug}", follow_redirects=True).status_code == 200

    # A new organisation of the same name gets another address; the old one still leads to the kept one.
    with service_context(app):
        creator = load(User, people["lou"].id)
        creator.email_verified_at = sa.func.current_timestamp()
        db.session.flush()
        again = services.create_organisation(creator, name="Amis du velo", kind="association", commune="Lyon")
        db.session.commit()
        assert again.slug != merged_slug
    assert alpha.get(f"/organisations/{merged_slug}").headers["Location"].endswith(f"/organisations/{kept_slug}")


def test_merge_refusals(app, duplicates, client_for, in_territory):
    people = duplicates["people"]
    (kept_id, kept_slug), (merged_id, merged_slug) = duplicates["kept"], duplicates["merged"]
    owner_client = client_for(people["kept_owner"])
    assert owner_client.get(f"/organisations/{merged_slug}/merge?into={kept_slug}").status_code == 403
    assert owner_client.submit(f"/organisations/{merged_slug}/merge", {"into": kept_slug}).status_code == 403
    client = client_for(people["moderator"])
    assert client.submit(f"/organisations/{merged_slug}/merge", {"into": merged_slug}).status_code == 400
    unknown = client.get(f"/organisations/{merged_slug}/merge?into=nobody-here")
    assert unknown.status_code == 400 and "Choose the organisation to keep" in unknown.get_data(as_text=True)
    assert client.submit(f"/organisations/{merged_slug}/merge", {"into": "nobody-here"}).status_code == 400
    # Into a tombstone: refused, nothing moved.
    assert client.submit(f"/organisations/{merged_slug}/merge", {"into": duplicates["old"][1]}).status_code == 400
    assert client.post(f"/organisations/{merged_slug}/merge", data={"into": kept_slug}).status_code == 400  # no CSRF
    with service_context(app):
        with pytest.raises(PermissionDenied):
            merging.merge(load(User, people["kept_owner"].id), load(m.Organisation, kept_id),
                          load(m.Organisation, merged_id))
        with pytest.raises(ServiceError):
            merging.merge(load(User, people["moderator"].id), load(m.Organisation, kept_id),
                          load(m.Organisation, kept_id))
    with in_territory("alpha"):
        assert db.session.get(m.Organisation, merged_id).status == m.OrganisationStatus.APPROVED
        assert _pointing_at(merged_id)["memberships.organisation_id"] == 3
    assert "organisation.merged" not in audit_actions(in_territory)
