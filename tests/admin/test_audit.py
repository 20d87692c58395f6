from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ptcc.tenancy.models import TerritorySettings
from ptcc.audit.models import AuditEntry
from ptcc.audit.services import record
from ptcc.extensions import db
from ptcc.outbox.services import queue_email
from tests.admin.conftest import settings_form, table_rows


def test_empty_audit_log(admin_client):
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "No administrative action has been recorded yet." in html


def test_every_action_shows_in_the_audit_log_with_its_actor(admin_client, make_user):
    member = make_user(tenant="alpha", display_name="Mona Member")
    admin_client.submit("/admin/settings", settings_form(name="Alpha Renamed"))
    admin_client.submit(f"/admin/people/{member.id}/role", {"role": "moderator"})

    html = table_rows(admin_client.get("/admin/audit").get_data(as_text=True))
    assert "Territory settings changed" in html and "Role changed" in html
    assert html.count("Ada Admin &lt;admin@example.org&gt;") == 2
    assert "<dt>Territory name</dt><dd>Territoire Alpha → Alpha Renamed</dd>" in html
    assert "<dt>Former role</dt><dd>Member</dd>" in html and "<dt>New role</dt><dd>Moderator</dd>" in html
    assert "Mona Member" in html and f"Person #{member.id}" in html
    # Newest first.
    assert html.index("Role changed") < html.index("Territory settings changed")

    dashboard = table_rows(admin_client.get("/admin/").get_data(as_text=True))
    assert "Role changed" in dashboard and "Territory settings changed" in dashboard


def test_filter_by_action_prefix_and_unknown_actions(admin_client, make_user, in_territory):
    member = make_user(tenant="alpha")
    admin_client.submit("/admin/settings", settings_form(name="Alpha Renamed"))
    admin_client.submit(f"/admin/people/{member.id}/role", {"role": "moderator"})
    with in_territory("alpha"):
        record(None, "organisation.approved_something", note="by the system")
        db.session.commit()

    html = admin_client.get("/admin/audit").get_data(as_text=True)
    # The filter offers the actions present, and their prefixes.
    for value in ("user", "territory", "organisation", "user.role_changed", "organisation.approved_something"):
        assert f'value="{value}"' in html
    # An action without a label shows its raw name.
    assert "organisation.approved_something" in html and "by the system" in html

    html = table_rows(admin_client.get("/admin/audit?action=user").get_data(as_text=True))
    assert "Role changed" in html and "Territory settings changed" not in html
    html = table_rows(admin_client.get("/admin/audit?action=territory.settings_changed").get_data(as_text=True))
    assert "Territory settings changed" in html and "Role changed" not in html
    html = admin_client.get("/admin/audit?action=nothing").get_data(as_text=True)
    assert "No entry matches this filter." in html
    # A prefix is a whole segment: "use" does not match "user.*", and % is not a wildcard.
    assert "No entry matches" in admin_client.get("/admin/audit?action=use").get_data(as_text=True)
    assert "No entry matches" in admin_client.get("/admin/audit?action=%25").get_data(as_text=True)


def test_audit_log_is_paginated_newest_first(app, admin_client, in_territory, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_PER_PAGE", 5)
    start = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
    with in_territory("alpha"):
        for n in range(12):
            db.session.add(AuditEntry(action="test.step", actor_label=f"robot-{n:02d}",
                                      created_at=start + timedelta(days=n), details={}))
        db.session.commit()
    first = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "robot-11" in first and "robot-07" in first and "robot-06" not in first
    assert "Page 1 of 3" in first
    last = admin_client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "robot-01" in last and "robot-00" in last and "robot-02" not in last


def test_times_are_shown_in_the_territory_time_zone(admin_client, in_territory):
    with in_territory("alpha"):
        db.session.add(AuditEntry(action="test.clock", actor_label="Clock",
                                  created_at=datetime(2024, 1, 15, 12, 0, tzinfo=timezone.utc), details={}))
        db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "15 Jan 2024, 13:00:00" in html  # Europe/Paris, UTC+1 in winter (English dates: day first, 24 h)
    assert "15 Jan 2024, 12:00:00" not in html
    assert 'datetime="2024-01-15T12:00:00+00:00"' in html

    with in_territory("alpha"):
        db.session.add(TerritorySettings(id=1, timezone="America/New_York"))
        db.session.commit()
    html = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "7:00:00" in html and "1:00:00" not in html  # UTC-5


def test_dashboard_counts(admin_client, make_user, in_territory):
    make_user(tenant="alpha")
    make_user(tenant="beta")
    with in_territory("alpha"):
        queue_email("someone@example.org", "Hello", "Body")
        db.session.commit()
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert '<strong class="figure-value">2</strong>' in html and ">people</a></span>" in html
    assert '<strong class="figure-value">1</strong>' in html and '<span class="figure-label">e-mail not sent yet</span>' in html
    assert "No administrative action has been recorded yet." in html
    assert 'href="/admin/settings"' in html and 'href="/admin/people"' in html and 'href="/admin/audit"' in html


def test_dashboard_of_a_moderator_hides_the_settings_link(signed_in):
    _moderator, client = signed_in("moderator")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/settings"' not in html and 'href="/admin/people"' in html


def test_audit_entries_of_alpha_are_not_shown_on_beta(admin_client, make_user, territory_client, in_territory):
    from ptcc.testing.factories import DEFAULT_PASSWORD

    admin_client.submit("/admin/settings", settings_form(name="Alpha Renamed"))
    beta_admin = make_user(tenant="beta", email="admin@example.org", role="admin", locale="en")
    beta = territory_client("beta")
    beta.login(beta_admin.email, DEFAULT_PASSWORD)
    html = beta.get("/admin/audit").get_data(as_text=True)
    assert "No administrative action has been recorded yet." in html and "Alpha Renamed" not in html
    with in_territory("beta"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_every_action_the_code_records_has_a_readable_label():
    """A new ``record(actor, "x.y", …)`` without a label would show its raw name in the log."""
    import re
    from pathlib import Path

    from ptcc.admin.services import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "ptcc"
    recorded = set()
    for source in root.rglob("*.py"):
        recorded |= set(re.findall(r'record\(\s*[^,]+,\s*"([a-z_]+\.[a-z_]+)"', source.read_text(encoding="utf-8")))
    assert recorded, "no record(...) call found: the pattern no longer matches the code"
    assert sorted(recorded - set(ACTION_LABELS)) == []
