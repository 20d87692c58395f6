"""The living style guide: every component of _ui.html, in the territory's theme, for administrators."""

from __future__ import annotations

import re

import pytest

from ptcc.web.assets import ICONS


def test_administrators_see_every_component(signed_in):
    _admin, client = signed_in("admin")
    response = client.get("/admin/style-guide")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    for marker in (
        'class="breadcrumbs"', 'class="page-actions actions"', 'class="tabs"', 'class="flash flash-success"',
        'class="flash flash-error"', "badge badge-danger", 'class="cards"', 'class="figure-tile"', 'class="details',
        'class="empty-state"', 'class="data-table"', 'scope="col"', 'scope="row"', 'data-label="Commune"',
        'class="button danger', 'class="form-errors"', 'class="field checkbox-fieldset', 'type="checkbox"',
        'class="card confirm-card"', 'class="pagination"',
    ):
        assert marker in main, marker
    assert main.count("<h1>") == 1
    for name in ICONS:
        assert f"<code>{name}</code>" in main
    # The theme's colours with their contrast, all passing.
    assert "--on-primary" in main and "passes" in main and "fails" not in main


def test_each_territory_shows_its_own_colours(signed_in, territory_client, make_user, in_territory):
    from ptcc.extensions import db
    from ptcc.tenancy.models import TerritorySettings
    from ptcc.testing.factories import DEFAULT_PASSWORD

    with in_territory("beta"):
        db.session.add(TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="", timezone="",
                                         primary_color="#2d5a27", accent_color="#6b3e8c", logo_filename=""))
        db.session.commit()
    _admin, alpha = signed_in("admin")
    beta_admin = make_user(tenant="beta", role="admin", locale="en")
    beta = territory_client("beta")
    beta.login(beta_admin.email, DEFAULT_PASSWORD)
    alpha_html = alpha.get("/admin/style-guide").get_data(as_text=True)
    beta_html = beta.get("/admin/style-guide").get_data(as_text=True)
    assert "<code>#1f4e8c</code>" in alpha_html and "<code>#2d5a27</code>" not in alpha_html
    assert "<code>#2d5a27</code>" in beta_html and "<code>#6b3e8c</code>" in beta_html


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_others_may_not_see_it(signed_in, role):
    _user, client = signed_in(role)
    assert client.get("/admin/style-guide").status_code == 403


def test_visitors_are_sent_to_sign_in(alpha):
    response = alpha.get("/admin/style-guide")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_its_sample_confirmation_changes_nothing(signed_in, in_territory):
    import sqlalchemy as sa

    from ptcc.audit.models import AuditEntry
    from ptcc.extensions import db

    _admin, client = signed_in("admin")
    with in_territory("alpha"):
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    response = client.submit("/admin/style-guide", {})
    assert response.status_code == 302
    assert "nothing was changed" in client.get("/admin/style-guide").get_data(as_text=True)
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before
    assert client.post("/admin/style-guide", data={}).status_code == 400  # without its token


def test_the_confirmation_page_template_works_without_javascript(app):
    from flask import render_template

    from ptcc.tenancy import tenant_context

    with tenant_context("alpha", app=app), app.test_request_context("/", base_url="http://alpha.test"):
        html = render_template("confirm.html", title="Delete?", message="Sure?", action="/x/delete",
                               confirm_label="Delete", cancel_url="/x", details=[("Members", 3)])
    assert "<h1>Delete?</h1>" in html and '<form method="post" action="/x/delete"' in html
    assert "<script" not in html and "<dt>Members</dt><dd>3</dd>" in html
    assert re.search(r'<a class="button secondary " href="/x">', html)
