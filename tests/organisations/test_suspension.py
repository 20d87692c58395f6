"""Suspending and reinstating an organisation: hidden everywhere, owners told, audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.errors import PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.organisations import directory, moderation
from ptcc.organisations import models as m
from tests.organisations.conftest import audit_actions, load, service_context

REASON = "Repeated advertising for a commercial product."


def _status(in_territory, slug):
    with in_territory("alpha"):
        return db.session.scalar(sa.select(m.Organisation.status).where(m.Organisation.slug == slug))


def test_suspension_hides_the_organisation_everywhere_until_reinstated(
        app, signed_in, make_user, make_organisation, client_for, alpha, outbox, in_territory):
    owner = make_user(tenant="alpha", locale="en")
    member = make_user(tenant="alpha", locale="en")
    _id, slug = make_organisation(owner, name="Repair Café Croix-Rousse", topics=("Réemploi",),
                                  description="Réparer plutôt que jeter", members=((member, "member", False),))
    _moderator, moderation_client = signed_in("moderator")
    assert "Repair Café Croix-Rousse" in alpha.get("/organisations/").get_data(as_text=True)

    confirm = moderation_client.get(f"/organisations/{slug}/suspend")
    assert confirm.status_code == 200 and "Confirm the suspension" in confirm.get_data(as_text=True)
    assert _status(in_territory, slug) == m.OrganisationStatus.APPROVED  # the confirmation changes nothing
    refused = moderation_client.submit(f"/organisations/{slug}/suspend", {"reason": "no"})
    assert refused.status_code == 400 and 'id="reason-error"' in refused.get_data(as_text=True)
    assert _status(in_territory, slug) == m.OrganisationStatus.APPROVED
    done = moderation_client.submit(f"/organisations/{slug}/suspend", {"reason": REASON})
    assert done.status_code == 302
    assert _status(in_territory, slug) == m.OrganisationStatus.SUSPENDED

    # Gone from the directory, its figures, the search and the page for visitors.
    assert "Repair Café" not in alpha.get("/organisations/").get_data(as_text=True)
    assert "Repair Café" not in alpha.get("/search?q=repair").get_data(as_text=True)
    assert alpha.get(f"/organisations/{slug}").status_code == 404
    assert client_for(make_user(tenant="alpha")).get(f"/organisations/{slug}").status_code == 404
    with service_context(app):
        assert directory.search_hits("réparer", 10) == []
        assert directory.figures().organisations == 0
        assert directory.communes() == []
    # Its members see why, on its page; its owners on their dashboard too.
    owner_client = client_for(owner)
    page = owner_client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert "Suspended by the moderators" in page and REASON in page
    assert REASON in client_for(member).get(f"/organisations/{slug}").get_data(as_text=True)
    dashboard = owner_client.get("/dashboard").get_data(as_text=True)
    assert "The moderators suspended Repair Café Croix-Rousse." in dashboard and REASON in dashboard
    # The moderators find it in their queue.
    queue = moderation_client.get("/organisations/queue").get_data(as_text=True)
    assert "Suspended organisations" in queue and REASON in queue

    assert moderation_client.submit(f"/organisations/{slug}/reinstate").status_code == 302
    assert _status(in_territory, slug) == m.OrganisationStatus.APPROVED
    assert alpha.get(f"/organisations/{slug}").status_code == 200
    assert "Repair Café Croix-Rousse" in alpha.get("/search?q=repair").get_data(as_text=True)
    assert REASON not in owner_client.get("/dashboard").get_data(as_text=True)

    mails = outbox("alpha")
    assert [(mail["recipient"], mail["subject"]) for mail in mails] == [
        (owner.email, "Repair Café Croix-Rousse is suspended"),
        (owner.email, "Repair Café Croix-Rousse is reinstated")]
    assert REASON in mails[0]["body"]
    assert audit_actions(in_territory) == ["organisation.suspended", "organisation.reinstated"]
    audit = client_for(make_user(tenant="alpha", role="admin", locale="en")).get("/admin/audit").get_data(as_text=True)
    assert "Organisation suspended" in audit and "Organisation reinstated" in audit and REASON in audit


def test_only_moderators_suspend_and_only_approved_organisations(app, make_user, make_organisation, client_for,
                                                                 in_territory):
    owner = make_user(tenant="alpha", locale="en")
    moderator = make_user(tenant="alpha", role="moderator", locale="en")
    approved_id, approved = make_organisation(owner)
    pending_id, _pending = make_organisation(owner, status="pending")
    # The owner is no moderator: 403, nothing changed.
    owner_client = client_for(owner)
    assert owner_client.get(f"/organisations/{approved}/suspend").status_code == 403
    assert owner_client.submit(f"/organisations/{approved}/suspend", {"reason": REASON}).status_code == 403
    assert owner_client.submit(f"/organisations/{approved}/reinstate").status_code == 403
    assert _status(in_territory, approved) == m.OrganisationStatus.APPROVED
    with service_context(app):
        with pytest.raises(PermissionDenied):
            moderation.suspend(load(User, owner.id), load(m.Organisation, approved_id), REASON)
        with pytest.raises(ServiceError):
            moderation.suspend(load(User, moderator.id), load(m.Organisation, pending_id), REASON)
        with pytest.raises(ServiceError):
            moderation.reinstate(load(User, moderator.id), load(m.Organisation, approved_id))
        with pytest.raises(ServiceError, match="At most 2000"):
            moderation.suspend(load(User, moderator.id), load(m.Organisation, approved_id), "x" * 2001)
    # Reinstating what is not suspended is a message, not an error page.
    again = client_for(moderator).submit(f"/organisations/{approved}/reinstate", follow_redirects=True)
    assert again.status_code == 200 and "is not suspended" in again.get_data(as_text=True)
    assert audit_actions(in_territory) == []


def test_a_suspended_organisations_missions_and_activity_are_hidden(app, make_user, make_organisation, alpha,
                                                                   in_territory):
    from ptcc.activity.models import ActivityEntry
    from ptcc.activity.services import feed_page
    from ptcc_volunteering.models import Mission
    from ptcc_volunteering.notifications import mission_published

    owner = make_user(tenant="alpha", locale="en")
    moderator = make_user(tenant="alpha", role="moderator", locale="en")
    organisation_id, _slug = make_organisation(owner, name="Jardin partagé")
    with service_context(app):
        mission = Mission(organisation_id=organisation_id, title="Arroser les tomates", commune="Lyon",
                          volunteers_needed=2)
        db.session.add(mission)
        db.session.flush()
        mission_published(mission, load(User, owner.id))
        db.session.commit()
        assert db.session.scalar(sa.select(ActivityEntry.organisation_id)) == organisation_id
        assert [item.entry.subject for item in feed_page().items] == ["Arroser les tomates"]
    for path in ("/missions/", "/search?q=arroser", "/activity"):
        assert "Arroser les tomates" in alpha.get(path).get_data(as_text=True), path
    with service_context(app):
        moderation.suspend(load(User, moderator.id), load(m.Organisation, organisation_id), REASON)
        db.session.commit()
        assert feed_page().items == []
    for path in ("/missions/", "/search?q=arroser", "/activity"):
        assert "Arroser les tomates" not in alpha.get(path).get_data(as_text=True), path
