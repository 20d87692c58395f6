from __future__ import annotations

from io import BytesIO
from pathlib import Path

import re

import pytest
import sqlalchemy as sa

from ptcc.tenancy.models import TerritorySettings
from ptcc.audit.models import AuditEntry
from ptcc.extensions import db
from ptcc.web.theme import contrast_ratio
from tests.admin.conftest import settings_form, tiny_png


def stored_settings(in_territory, slug="alpha"):
    with in_territory(slug):
        row = db.session.get(TerritorySettings, 1)
        if row is None:
            return None
        return {c.name: getattr(row, c.name) for c in TerritorySettings.__table__.columns}


def audit_actions(in_territory, slug="alpha"):
    with in_territory(slug):
        return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_settings_page_shows_the_current_values(admin_client):
    response = admin_client.get("/admin/settings")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Territoire Alpha"' in html
    assert 'value="#1f4e8c"' in html
    assert 'value="Europe/Paris" selected' in html or 'selected value="Europe/Paris"' in html
    assert "Français" in html and "English" in html


def test_admin_changes_name_languages_time_zone_and_colours(admin_client, in_territory, beta):
    response = admin_client.submit("/admin/settings", settings_form(
        name="Vallée Nouvelle", presentation="We **cooperate** here.", locales=["en"], default_locale="en",
        timezone="America/New_York", primary_color="#0B5D1E", accent_color="#6b2d5c",
    ))
    assert response.status_code == 302, response.get_data(as_text=True)

    row = stored_settings(in_territory)
    assert row["name"] == "Vallée Nouvelle"
    assert row["locales"] == ["en"] and row["default_locale"] == "en"
    assert row["timezone"] == "America/New_York"
    assert row["primary_color"] == "#0b5d1e" and row["accent_color"] == "#6b2d5c"

    home = admin_client.get("/").get_data(as_text=True)
    assert "Vallée Nouvelle" in home
    assert "<strong>cooperate</strong>" in home
    assert 'lang="en"' in home
    theme = admin_client.get("/theme.css").get_data(as_text=True)
    assert "--primary: #0b5d1e" in theme and "--accent: #6b2d5c" in theme

    with in_territory("alpha"):
        entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "territory.settings_changed")).one()
        assert entry.actor_label == "Ada Admin <admin@example.org>"
        assert set(entry.details["fields"]) == {"name", "presentation", "locales", "default_locale", "timezone",
                                                "primary_color", "accent_color"}
        assert entry.details["changes"]["name"] == {"old": "Territoire Alpha", "new": "Vallée Nouvelle"}
        assert entry.details["changes"]["timezone"] == {"old": "Europe/Paris", "new": "America/New_York"}

    # Settings of alpha never affect beta.
    beta_home = beta.get("/").get_data(as_text=True)
    assert "Territoire Beta" in beta_home and "Vallée Nouvelle" not in beta_home
    assert "#0b5d1e" not in beta.get("/theme.css").get_data(as_text=True)
    assert stored_settings(in_territory, "beta") is None
    assert audit_actions(in_territory, "beta") == []


def test_saving_unchanged_settings_records_nothing(admin_client, in_territory):
    response = admin_client.submit("/admin/settings", settings_form())
    assert response.status_code == 302
    assert audit_actions(in_territory) == []
    assert "Nothing was changed" in admin_client.get("/admin/settings").get_data(as_text=True)


def test_only_changed_fields_are_written_and_audited(admin_client, in_territory):
    admin_client.submit("/admin/settings", settings_form(name="Alpha Sud"))
    row = stored_settings(in_territory)
    assert row["name"] == "Alpha Sud"
    # Untouched fields keep following tenant.toml.
    assert row["timezone"] == "" and row["locales"] == [] and row["primary_color"] == ""
    with in_territory("alpha"):
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert entry.details["fields"] == ["name"]


@pytest.mark.parametrize("field", ["primary_color", "accent_color"])
def test_colour_with_poor_contrast_is_refused_with_its_ratio(admin_client, in_territory, field):
    response = admin_client.submit("/admin/settings", settings_form(name="Should not be saved", **{field: "#ffff00"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    ratio = f"{contrast_ratio('#ffff00', '#ffffff'):.2f}"
    assert ratio == "1.07"
    assert f"contrast ratio of {ratio}:1" in html and "4.5:1" in html
    assert stored_settings(in_territory) is None
    assert audit_actions(in_territory) == []
    assert "#ffff00" not in admin_client.get("/theme.css").get_data(as_text=True)


def test_colour_just_under_the_threshold_is_refused_and_just_over_accepted(admin_client, in_territory):
    assert admin_client.submit("/admin/settings", settings_form(primary_color="#777777")).status_code == 400
    assert admin_client.submit("/admin/settings", settings_form(primary_color="#767676")).status_code == 302
    assert stored_settings(in_territory)["primary_color"] == "#767676"


def test_malformed_colour_is_refused(admin_client, in_territory):
    response = admin_client.submit("/admin/settings", settings_form(primary_color="blue"))
    assert response.status_code == 400
    assert "#rrggbb" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None


def test_default_language_must_be_offered(admin_client, in_territory):
    response = admin_client.submit("/admin/settings", settings_form(locales=["fr"], default_locale="en"))
    assert response.status_code == 400
    assert "must be one of the offered languages" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None


def test_at_least_one_language_is_offered(admin_client, in_territory):
    form = settings_form()
    del form["locales"]
    response = admin_client.submit("/admin/settings", form)
    assert response.status_code == 400
    assert "at least one language" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None


def test_unknown_language_is_refused(admin_client, in_territory):
    response = admin_client.submit("/admin/settings", settings_form(locales=["fr", "xx"]))
    assert response.status_code == 400
    assert stored_settings(in_territory) is None


def test_invalid_time_zone_is_refused(admin_client, in_territory):
    response = admin_client.submit("/admin/settings", settings_form(timezone="Mars/Olympus_Mons"))
    assert response.status_code == 400
    assert "time zone" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None


def test_empty_name_is_refused(admin_client, in_territory):
    assert admin_client.submit("/admin/settings", settings_form(name="  ")).status_code == 400
    assert stored_settings(in_territory) is None


def test_post_without_csrf_is_refused(admin_client, in_territory):
    response = admin_client.post("/admin/settings", data=settings_form(name="No token"))
    assert response.status_code == 400
    assert stored_settings(in_territory) is None


# --- logo -----------------------------------------------------------------------------


def upload(client, content: bytes, filename: str, **overrides):
    data = settings_form(**overrides)
    data["logo"] = (BytesIO(content), filename)
    return client.submit("/admin/settings", data, content_type="multipart/form-data")


def logo_folder(app) -> Path:
    return Path(app.config["PTCC_INSTANCE_PATH"]) / "uploads" / "alpha"


def test_logo_upload_is_served_and_replacing_it_removes_the_old_file(app, admin_client, in_territory, beta):
    assert admin_client.get("/logo").status_code == 404
    png = tiny_png()
    response = upload(admin_client, png, "logo.png")
    assert response.status_code == 302, response.get_data(as_text=True)

    first = stored_settings(in_territory)["logo_filename"]
    assert first.startswith("logo-") and first.endswith(".png")
    assert (logo_folder(app) / first).read_bytes() == png
    served = admin_client.get("/logo")
    assert served.status_code == 200 and served.data == png
    assert served.mimetype == "image/png"
    assert 'src="/logo"' in admin_client.get("/").get_data(as_text=True)
    assert beta.get("/logo").status_code == 404

    assert upload(admin_client, png + b"\x00", "other.PNG").status_code == 302
    second = stored_settings(in_territory)["logo_filename"]
    assert second != first
    assert not (logo_folder(app) / first).exists()
    assert (logo_folder(app) / second).exists()

    with in_territory("alpha"):
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        assert entries[0].details["changes"]["logo"] == {"old": "", "new": first}
        assert entries[1].details["changes"]["logo"] == {"old": first, "new": second}

    response = admin_client.submit("/admin/settings", settings_form(remove_logo="y"))
    assert response.status_code == 302
    assert stored_settings(in_territory)["logo_filename"] == ""
    assert not (logo_folder(app) / second).exists()
    assert admin_client.get("/logo").status_code == 404


def test_fake_png_is_refused(app, admin_client, in_territory):
    response = upload(admin_client, b"GIF89a" + b"\x00" * 40, "logo.png", name="Not saved")
    assert response.status_code == 400
    assert "not a PNG, JPEG or WebP image" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None
    assert not logo_folder(app).exists() or not list(logo_folder(app).iterdir())


def test_image_whose_content_does_not_match_its_name_is_refused(admin_client, in_territory):
    response = upload(admin_client, tiny_png(), "logo.webp")
    assert response.status_code == 400
    assert stored_settings(in_territory) is None


def test_other_file_types_are_refused(admin_client, in_territory):
    response = upload(admin_client, b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg")
    assert response.status_code == 400
    assert stored_settings(in_territory) is None


def test_too_large_logo_is_refused(app, admin_client, in_territory, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_MAX_LOGO_BYTES", 1024)
    response = upload(admin_client, tiny_png() + b"\x00" * 2048, "big.png")
    assert response.status_code == 400
    assert "at most 1 kB" in response.get_data(as_text=True)
    assert stored_settings(in_territory) is None


def test_jpeg_and_webp_logos_are_accepted(admin_client, in_territory):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
    assert upload(admin_client, jpeg, "photo.jpeg").status_code == 302
    assert stored_settings(in_territory)["logo_filename"].endswith(".jpg")
    webp = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
    assert upload(admin_client, webp, "logo.webp").status_code == 302
    assert stored_settings(in_territory)["logo_filename"].endswith(".webp")


def theme_link(client) -> str:
    return re.search(r'href="(/theme\.css\?v=[0-9a-f]+)"', client.get("/").get_data(as_text=True)).group(1)


def test_saved_colours_show_at_once_through_a_new_theme_address(admin_client, beta):
    """The stylesheet's address carries its version: a browser keeps it for a year, and a
    saved colour gives every page a new address, fetched at once by the browser that saved it."""
    before = theme_link(admin_client)
    kept = admin_client.get(before)
    assert kept.cache_control.max_age == 365 * 24 * 3600 and kept.cache_control.immutable
    response = admin_client.submit("/admin/settings", settings_form(primary_color="#0b5d1e"))
    assert response.status_code == 302, response.get_data(as_text=True)
    after = theme_link(admin_client)
    assert after != before
    assert "--primary: #0b5d1e" in admin_client.get(after).get_data(as_text=True)
    # The old address, or none, still answers the current colours, but only for five minutes.
    for stale in (before, "/theme.css", "/theme.css?v=nonsense"):
        answer = admin_client.get(stale)
        assert "--primary: #0b5d1e" in answer.get_data(as_text=True)
        assert answer.cache_control.max_age == 300 and not answer.cache_control.immutable
    assert theme_link(beta) == before  # beta's colours did not change: nor did its address
