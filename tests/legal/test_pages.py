"""The four legal pages: defaults written from the settings, in the reader's language;
the territory's own text; editing, restoring, the legal details."""

from __future__ import annotations

import sqlalchemy as sa
import pytest

from ptcc.audit.models import AuditEntry
from ptcc.extensions import db
from ptcc.legal.models import LegalDetails, LegalPage

PASSWORD = "une phrase assez longue"
PAGES = {"notice": "/legal/notice", "privacy": "/legal/privacy", "terms": "/legal/terms",
         "accessibility": "/legal/accessibility"}
DETAILS = {
    "publisher": "Métropole de Lyon", "address": "20 rue du Lac\n69003 Lyon",
    "publication_director": "Bruno Bernard", "contact_email": "contact@lyon.example",
    "dpo_contact": "dpo@lyon.example", "host": "OVH SAS\n2 rue Kellermann, 59100 Roubaix",
    "accessibility_state": "partial", "accessibility_audit_date": "2026-06-15",
    "accessibility_exceptions": "- Les cartes ne sont pas accessibles.",
    "accessibility_contact": "", "accessibility_plan": "Plan 2026-2028 : audit annuel.",
}


@pytest.fixture
def admin(alpha, make_user):
    make_user(tenant="alpha", email="admin@example.org", role="admin", password=PASSWORD,
              display_name="Admin Alpha")
    alpha.login("admin@example.org", PASSWORD)
    return alpha


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_each_page_exists_without_any_setting_in_french_and_english(alpha, kind):
    french = alpha.get(PAGES[kind], headers={"Accept-Language": "fr"})
    english = alpha.get(PAGES[kind], headers={"Accept-Language": "en"})

    assert french.status_code == english.status_code == 200
    assert "non renseigné" in text(french) or kind == "terms"
    assert "Dernière mise à jour" in text(french) and "Last updated" in text(english)
    assert 'lang="fr"' in text(french) and 'lang="en"' in text(english)


def test_defaults_are_written_from_the_legal_details(admin, in_territory):
    response = admin.submit("/admin/legal/details", DETAILS)
    assert response.status_code == 302
    admin.logout()

    notice = text(admin.get("/legal/notice", headers={"Accept-Language": "fr"}))
    assert "Métropole de Lyon" in notice and "Bruno Bernard" in notice and "OVH SAS" in notice
    assert "20 rue du Lac<br>\n69003 Lyon" in notice
    assert "non renseigné" not in notice
    english = text(admin.get("/legal/accessibility", headers={"Accept-Language": "en"}))
    assert "partially compliant" in english and "June 15, 2026" in english
    assert "Défenseur des droits" in english and "Plan 2026-2028" in english
    assert "<li>Les cartes ne sont pas accessibles.</li>" in english
    # No feedback contact given: the contact e-mail stands in.
    assert "contact@lyon.example" in english
    french = text(admin.get("/legal/accessibility", headers={"Accept-Language": "fr"}))
    assert "partiellement conforme" in french and "15 juin 2026" in french


def test_privacy_links_the_export_and_the_deletion_and_names_the_only_cookie(alpha):
    page = text(alpha.get("/legal/privacy", headers={"Accept-Language": "fr"}))
    assert 'href="/account/export"' in page and 'href="/account/delete"' in page
    assert "<code>session</code>" in page and "aucun bandeau" in page
    for part in ("Responsable du traitement", "Délégué à la protection des données", "Base légale",
                 "Durées de conservation", "Vos droits", "CNIL"):
        assert part in page


def test_only_the_session_cookie_is_ever_set(alpha, make_user):
    """What the privacy page says: one cookie, the session's."""
    make_user(tenant="alpha", email="someone@example.org", password=PASSWORD)
    alpha.get("/account/login")
    signed_in = alpha.login("someone@example.org", PASSWORD)
    # Deleted when the browser closes (no expiry), unreadable by scripts: as the page says.
    [cookie] = signed_in.headers.getlist("Set-Cookie")
    assert cookie.startswith("session=") and "HttpOnly" in cookie and "Expires" not in cookie
    alpha.get("/language?locale=en")
    alpha.get("/legal/privacy")
    assert {name for _domain, _path, name in alpha.client._cookies} == {"session"}


def test_an_administrator_writes_a_page_then_restores_its_default(admin, in_territory):
    form = text(admin.get("/admin/legal/terms"))
    assert "Objet" in form  # the default, to start from

    preview = admin.submit("/admin/legal/terms", {"body": "# Nos règles\n\nSoyez **aimables**.",
                                                  "action": "preview"})
    assert preview.status_code == 200 and "<strong>aimables</strong>" in text(preview)
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalPage)) == 0

    saved = admin.submit("/admin/legal/terms", {"body": "# Nos règles\n\nSoyez **aimables**.",
                                                "action": "save"})
    assert saved.status_code == 302
    page = text(admin.get("/legal/terms", headers={"Accept-Language": "en"}))
    assert "<h2>Nos règles</h2>" in page and "Purpose" not in page

    confirm = admin.get("/admin/legal/terms/restore")
    assert confirm.status_code == 200 and "Restore the default text" in text(confirm) or \
        "Rétablir le texte par défaut" in text(confirm)
    assert admin.submit("/admin/legal/terms/restore", {}).status_code == 302
    assert "Nos règles" not in text(admin.get("/legal/terms"))
    with in_territory("alpha"):
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["legal.page_saved", "legal.page_restored"]


@pytest.mark.parametrize("body, message", [
    ("x" * 50_001, "50000"),
    ("", ""),
    ("texte\x07 avec une cloche", ""),
])
def test_bad_page_text_is_refused_and_nothing_changes(admin, in_territory, body, message):
    response = admin.submit("/admin/legal/notice", {"body": body, "action": "save"})

    assert response.status_code == 400
    assert 'id="body-error"' in text(response) and message in text(response)
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalPage)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_a_nul_byte_is_refused(admin, in_territory):
    response = admin.submit("/admin/legal/notice", {"body": "avant\x00après", "action": "save"})
    assert response.status_code == 400
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalPage)) == 0


@pytest.mark.parametrize("change, field", [
    ({"contact_email": "pas-une-adresse"}, "contact_email"),
    ({"accessibility_state": "perhaps"}, "accessibility_state"),
    ({"accessibility_audit_date": "2199-01-01"}, "accessibility_audit_date"),
    ({"publisher": "x" * 201}, "publisher"),
])
def test_bad_legal_details_are_refused_next_to_their_field(admin, in_territory, change, field):
    response = admin.submit("/admin/legal/details", {**DETAILS, **change})

    assert response.status_code == 400
    assert f'id="{field}-error"' in text(response)
    with in_territory("alpha"):
        assert db.session.get(LegalDetails, 1) is None


def test_saving_the_details_is_audited_with_the_fields_that_changed(admin, in_territory):
    admin.submit("/admin/legal/details", DETAILS)
    admin.submit("/admin/legal/details", {**DETAILS, "publisher": "Grand Lyon"})
    admin.submit("/admin/legal/details", {**DETAILS, "publisher": "Grand Lyon"})  # nothing changed
    with in_territory("alpha"):
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["legal.details_changed", "legal.details_changed"]
    assert entries[1].details["fields"] == ["publisher"]


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_only_administrators_edit(alpha, make_user, in_territory, role):
    make_user(tenant="alpha", email="p@example.org", role=role, password=PASSWORD)
    alpha.login("p@example.org", PASSWORD)
    for path in ("/admin/legal", "/admin/legal/details", "/admin/legal/notice", "/admin/legal/notice/restore"):
        assert alpha.get(path).status_code == 403, path
    assert alpha.submit("/admin/legal/notice", {"body": "pris", "action": "save"}).status_code == 403
    with in_territory("alpha"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalPage)) == 0


def test_the_services_check_the_role_themselves(make_user, in_territory):
    from ptcc.errors import PermissionDenied
    from ptcc.legal import services

    member = make_user(tenant="alpha", email="m@example.org", role="member")
    with in_territory("alpha"):
        person = db.session.get(type(member), member.id)
        with pytest.raises(PermissionDenied):
            services.save_page(person, "notice", "pris")
        with pytest.raises(PermissionDenied):
            services.update_details(person, publisher="pris")


def test_each_territory_has_its_own_pages(admin, beta):
    admin.submit("/admin/legal/details", DETAILS)
    admin.submit("/admin/legal/notice", {"body": "Texte d'alpha", "action": "save"})

    assert "Texte d'alpha" in text(admin.get("/legal/notice"))
    other = text(beta.get("/legal/notice"))
    assert "Texte d'alpha" not in other and "Métropole de Lyon" not in other


def test_saving_empty_details_stores_nothing(admin, in_territory):
    empty = {name: "" for name in DETAILS} | {"accessibility_state": "none"}
    response = admin.submit("/admin/legal/details", empty)
    assert response.status_code == 302
    with in_territory("alpha"):
        assert db.session.get(LegalDetails, 1) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_every_page_footer_shows_the_territory_contact_address_and_only_its_own(admin, beta):
    footer = text(admin.get("/organisations/")).split('class="site-footer"', 1)[1]
    assert "mailto:" not in footer  # nothing written yet: no empty link

    assert admin.submit("/admin/legal/details", DETAILS).status_code == 302
    admin.logout()
    for path in ("/", "/organisations/", "/legal/terms"):
        footer = text(admin.get(path)).split('class="site-footer"', 1)[1]
        assert 'href="mailto:contact@lyon.example"' in footer, path
    assert "contact@lyon.example" not in text(beta.get("/"))
