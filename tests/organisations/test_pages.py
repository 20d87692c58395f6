"""The organisation pages as people use them: forms, messages, status codes."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ptcc.extensions import db
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, profile


def organisation_count(in_territory) -> int:
    with in_territory("alpha"):
        return db.session.scalar(sa.select(sa.func.count()).select_from(m.Organisation))


def test_creation_form_is_labelled_and_creates_a_pending_request(signed_in, in_territory, alpha):
    user, client = signed_in("member")
    page = client.get("/organisations/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("name", "kind", "description", "new_topics", "commune", "website", "declared_members",
                 "rna", "siren", "siret"):
        assert re.search(rf'<label for="{name}">', html), name
    assert "<legend>Circle</legend>" in html and 'name="csrf_token"' in html

    response = client.submit("/organisations/new", profile())
    assert response.status_code == 302 and response.headers["Location"].endswith("/organisations/velo-cite")
    page = client.get("/organisations/velo-cite").get_data(as_text=True)
    assert "Waiting for the moderators" in page and "its owners" not in page
    assert "W691234567" in page and "Mobilité douce" in page
    # Nobody else sees it before approval.
    assert alpha.get("/organisations/velo-cite").status_code == 404
    assert audit_actions(in_territory) == ["organisation.requested"]


def test_bad_input_shows_every_error_by_its_field_and_changes_nothing(signed_in, in_territory):
    _user, client = signed_in("member")
    response = client.submit("/organisations/new", profile(
        name="", rna="W12", siren="123456789", siret="1234", declared_members="lots", website="javascript:x",
        kind="emperor", topics=["unknown"]))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please correct the errors below." in html
    for field in ("name", "rna", "siren", "siret", "declared_members", "kind"):
        assert f'id="{field}-error"' in html, field
        assert re.search(rf'aria-describedby="[^"]*{field}-error', html), field
    assert "W followed by 9 digits" in html and "check digit does not match" in html
    assert organisation_count(in_territory) == 0


def test_service_refusal_is_shown_by_its_field(signed_in, in_territory):
    _user, client = signed_in("member")
    response = client.submit("/organisations/new", profile(website="https://no-dot"))
    assert response.status_code == 400
    assert 'id="website-error"' in response.get_data(as_text=True)
    assert organisation_count(in_territory) == 0


def test_unverified_person_is_told_to_confirm_first(signed_in, in_territory):
    _user, client = signed_in("member", verified=False)
    page = client.get("/organisations/new")
    assert page.status_code == 403 and "confirm your e-mail" in page.get_data(as_text=True)
    assert client.submit("/organisations/new", profile()).status_code == 403
    assert organisation_count(in_territory) == 0


def test_description_markdown_is_rendered_and_sanitised(alpha, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    _id, slug = make_organisation(owner, description="**Fort** <script>alert(1)</script> [x](javascript:alert(2))")
    html = alpha.get(f"/organisations/{slug}").get_data(as_text=True)
    assert "<strong>Fort</strong>" in html
    assert "<script>alert(1)" not in html and "href=\"javascript" not in html


def test_owner_edits_the_profile(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, name="Old", topics=("Culture",))
    client = client_for(owner)
    form = client.get(f"/organisations/{slug}/edit").get_data(as_text=True)
    assert 'value="Old"' in form and re.search(r'<input[^>]*checked[^>]*value="culture"|value="culture"[^>]*checked',
                                               form)
    response = client.submit(f"/organisations/{slug}/edit", profile(name="New", topics=["culture"]))
    assert response.status_code == 302
    assert "The profile was saved." in client.get(f"/organisations/{slug}").get_data(as_text=True)
    with in_territory("alpha"):
        organisation = db.session.scalar(sa.select(m.Organisation))
        assert organisation.name == "New" and [t.slug for t in organisation.topics] == ["culture", "mobilite-douce"]


def test_queue_approve_and_refuse_with_confirmation(signed_in, make_user, make_organisation, outbox, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    _id, first = make_organisation(owner, status="pending", name="First request")
    _id, second = make_organisation(owner, status="pending", name="Second request")
    _moderator, client = signed_in("moderator")

    queue = client.get("/organisations/queue").get_data(as_text=True)
    assert "First request" in queue and "Second request" in queue and '<th scope="col">' in queue

    assert client.submit(f"/organisations/{first}/approve").status_code == 302
    confirm = client.get(f"/organisations/{second}/refuse")
    assert confirm.status_code == 200 and "Confirm the refusal" in confirm.get_data(as_text=True)
    with in_territory("alpha"):  # the confirmation page changes nothing
        assert db.session.scalar(sa.select(m.Organisation.status).where(m.Organisation.slug == second)) \
            == m.OrganisationStatus.PENDING
    empty_reason = client.submit(f"/organisations/{second}/refuse", {"reason": ""})
    assert empty_reason.status_code == 400 and 'id="reason-error"' in empty_reason.get_data(as_text=True)
    assert client.submit(f"/organisations/{second}/refuse", {"reason": "Outside the territory."}).status_code == 302

    queue = client.get("/organisations/queue").get_data(as_text=True)
    assert "No organisation is waiting for a decision." in queue
    assert [mail["subject"] for mail in outbox("alpha")] == ["First request has joined the territory",
                                                             "The request of Second request was refused"]
    assert audit_actions(in_territory) == ["organisation.approved", "organisation.refused"]
    # Deciding twice is a message, not an error page.
    again = client.submit(f"/organisations/{first}/approve", follow_redirects=True)
    assert again.status_code == 200 and "already answered" in again.get_data(as_text=True)


def test_administration_dashboard_links_to_the_queue(signed_in, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    make_organisation(owner, status="pending")
    _admin, client = signed_in("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/organisations/queue"' in html and "join request waiting" in html


def test_join_request_and_answer_through_the_pages(make_user, make_organisation, client_for, in_territory, outbox):
    owner = make_user(tenant="alpha", locale="en")
    asking = make_user(tenant="alpha", locale="en", display_name="Ana Asker")
    org_id, slug = make_organisation(owner, name="Vélo Cité")
    asker = client_for(asking)
    assert "Ask to join" in asker.get(f"/organisations/{slug}").get_data(as_text=True)
    assert asker.submit(f"/organisations/{slug}/join").status_code == 302
    assert "You asked to join" in asker.get(f"/organisations/{slug}").get_data(as_text=True)

    owner_client = client_for(owner)
    members = owner_client.get(f"/organisations/{slug}/members").get_data(as_text=True)
    assert "Ana Asker" in members and "Requests to join" in members
    with in_territory("alpha"):
        request_id = db.session.scalar(sa.select(m.Membership.id).where(m.Membership.user_id == asking.id))
    assert owner_client.submit(f"/organisations/{slug}/requests/{request_id}",
                               {"decision": "maybe"}).status_code == 400
    assert owner_client.submit(f"/organisations/{slug}/requests/{request_id}",
                               {"decision": "accept"}).status_code == 302
    with in_territory("alpha"):
        assert db.session.get(m.Membership, request_id).status == m.MembershipStatus.ACTIVE
    assert "Vélo Cité" in asker.get("/organisations/mine").get_data(as_text=True)
    assert len(outbox("alpha")) == 2


def test_members_page_changes_roles_and_keeps_the_last_owner(make_user, make_organisation, client_for, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", display_name="Marc Member")
    org_id, slug = make_organisation(owner, members=[(member, "member", False)])
    client = client_for(owner)
    with in_territory("alpha"):
        ids = dict(db.session.execute(sa.select(m.Membership.user_id, m.Membership.id)).all())
    html = client.get(f"/organisations/{slug}/members").get_data(as_text=True)
    assert f'id="m{ids[member.id]}-role"' in html and f'<label for="m{ids[member.id]}-role">' in html

    mine = ids[owner.id]
    refused = client.submit(f"/organisations/{slug}/members/{mine}", {f"m{mine}-role": "member"})
    assert refused.status_code == 400 and "last owner" in refused.get_data(as_text=True)
    bad = client.submit(f"/organisations/{slug}/members/{mine}", {f"m{mine}-role": "emperor"})
    assert bad.status_code == 400

    theirs = ids[member.id]
    assert client.submit(f"/organisations/{slug}/members/{theirs}",
                         {f"m{theirs}-role": "member", f"m{theirs}-may_sign": "y"}).status_code == 302
    with in_territory("alpha"):
        assert db.session.get(m.Membership, theirs).may_sign is True
    leave = client.submit(f"/organisations/{slug}/leave", follow_redirects=True)
    assert "last owner" in leave.get_data(as_text=True)
    assert client.submit(f"/organisations/{slug}/members/{theirs}/remove").status_code == 302
    with in_territory("alpha"):
        assert db.session.get(m.Membership, theirs) is None
        assert db.session.get(m.Membership, mine) is not None


def test_unknown_things_are_404_not_500(signed_in, make_user, make_organisation):
    owner = make_user(tenant="alpha")
    _id, slug = make_organisation(owner)
    _moderator, client = signed_in("moderator")
    assert client.get("/organisations/no-such-thing").status_code == 404
    assert client.get(f"/organisations/{'x' * 500}").status_code == 404
    assert client.submit("/organisations/no-such-thing/approve").status_code == 404
    assert client.get(f"/organisations/{slug}/members/99999").status_code == 405
    assert client.submit(f"/organisations/{slug}/members/99999/remove").status_code == 403  # not an owner
    # A NUL byte is refused before any view reads it (ptcc.web.input).
    assert client.get("/organisations/invitations/%00").status_code == 400


def test_my_organisations_empty_state(signed_in):
    _user, client = signed_in("member")
    html = client.get("/organisations/mine").get_data(as_text=True)
    assert "You do not belong to any organisation yet." in html


def test_invitation_form_errors_stay_on_the_members_page(make_user, make_organisation, client_for, in_territory,
                                                         outbox):
    owner = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner)
    client = client_for(owner)
    for form in ({"email": "", "role": "member"}, {"email": "not an address", "role": "member"},
                 {"email": "ok@example.org", "role": "emperor"}):
        response = client.submit(f"/organisations/{slug}/invitations", form)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, form
        assert 'id="email-error"' in html or 'id="role-error"' in html, form
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Invitation)) == 0
    assert outbox("alpha") == []


def test_posts_without_a_csrf_token_are_refused(make_user, make_organisation, client_for, signed_in, in_territory):
    owner = make_user(tenant="alpha")
    _id, slug = make_organisation(owner, status="pending")
    _moderator, client = signed_in("moderator")
    assert client.post(f"/organisations/{slug}/approve").status_code == 400
    assert client_for(owner).post("/organisations/new", data=profile()).status_code == 400
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(m.Organisation.status)) == m.OrganisationStatus.PENDING
    assert organisation_count(in_territory) == 1
