"""The home page's banner image, uploaded in the appearance section of the settings."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import shutil

import pytest
import sqlalchemy as sa

from ptcc.audit.models import AuditEntry
from ptcc.extensions import db
from ptcc.tenancy.models import TerritorySettings
from tests.admin.conftest import settings_form, tiny_png


def upload_banner(client, content: bytes, filename: str, **overrides):
    data = settings_form(**overrides)
    data["banner"] = (BytesIO(content), filename)
    return client.submit("/admin/settings", data, content_type="multipart/form-data")


def banner_name(in_territory, slug="alpha") -> str | None:
    with in_territory(slug):
        row = db.session.get(TerritorySettings, 1)
        return None if row is None else row.banner_filename


def folder(app, slug="alpha") -> Path:
    return Path(app.config["PTCC_INSTANCE_PATH"]) / "uploads" / slug


@pytest.fixture(autouse=True)
def no_files_left(app):
    """Uploaded files outlive the tables the app fixture empties: other tests count them."""
    yield
    shutil.rmtree(folder(app), ignore_errors=True)


def test_the_settings_page_offers_a_banner_in_its_appearance_section(admin_client):
    html = admin_client.get("/admin/settings").get_data(as_text=True)
    appearance = html.split("<legend>Appearance</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert 'name="banner"' in appearance and 'type="file"' in appearance
    assert "remove_banner" not in appearance  # nothing to remove yet


def test_a_banner_is_stored_shown_on_the_home_page_replaced_and_removed(app, admin_client, in_territory, beta, alpha):
    assert admin_client.get("/banner").status_code == 404
    png = tiny_png()
    response = upload_banner(admin_client, png, "banner.png")
    assert response.status_code == 302, response.get_data(as_text=True)
    first = banner_name(in_territory)
    assert first.startswith("banner-") and first.endswith(".png")
    assert (folder(app) / first).read_bytes() == png
    served = admin_client.get(f"/banner?v={first}")
    assert served.status_code == 200 and served.data == png and served.mimetype == "image/png"
    home = admin_client.get("/").get_data(as_text=True)
    assert f'<img class="hero-banner" src="/banner?v={first}" alt=""' in home
    assert beta.get("/banner").status_code == 404
    assert "hero-banner" not in beta.get("/").get_data(as_text=True)
    settings_page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert 'name="remove_banner"' in settings_page

    assert upload_banner(admin_client, png + b"\x00", "other.png").status_code == 302
    second = banner_name(in_territory)
    assert second != first and not (folder(app) / first).exists() and (folder(app) / second).exists()

    assert admin_client.submit("/admin/settings", settings_form(remove_banner="y")).status_code == 302
    assert banner_name(in_territory) == ""
    assert not (folder(app) / second).exists()
    assert admin_client.get("/banner").status_code == 404
    assert "hero-banner" not in admin_client.get("/").get_data(as_text=True)
    with in_territory("alpha"):
        changes = [e.details["changes"].get("banner") for e in
                   db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert changes == [{"old": "", "new": first}, {"old": first, "new": second}, {"old": second, "new": ""}]


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(app, admin_client, in_territory):
    for content, name in [(b"GIF89a" + b"\x00" * 40, "banner.png"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "b.svg"),
                          (tiny_png(), "banner.jpg")]:
        response = upload_banner(admin_client, content, name, name="Not saved")
        assert response.status_code == 400, name
        assert 'id="banner-error"' in response.get_data(as_text=True)
    assert banner_name(in_territory) is None
    assert not folder(app).exists() or not list(folder(app).iterdir())


def test_a_banner_too_heavy_is_refused(app, admin_client, in_territory, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_MAX_BANNER_BYTES", 1024)
    response = upload_banner(admin_client, tiny_png() + b"\x00" * 2048, "big.png")
    assert response.status_code == 400
    assert "The banner image must weigh at most 1 kB." in response.get_data(as_text=True)
    assert banner_name(in_territory) is None


def test_a_banner_bigger_than_a_logo_is_accepted(app, admin_client, in_territory, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_MAX_LOGO_BYTES", 1024)
    assert upload_banner(admin_client, tiny_png() + b"\x00" * 4096, "wide.png").status_code == 302
    assert banner_name(in_territory).startswith("banner-")


def test_only_administrators_change_the_banner(signed_in, in_territory):
    _user, client = signed_in("moderator")
    response = upload_banner(client, tiny_png(), "banner.png")
    assert response.status_code in (403, 404)
    assert banner_name(in_territory) is None


def test_the_service_refuses_a_bad_banner_too(app, make_user, in_territory):
    from ptcc.admin import services
    from ptcc.errors import ServiceError
    from tests.admin.conftest import service_context

    admin = make_user(tenant="alpha", role="admin", locale="en")
    with service_context(app):
        from ptcc.accounts.models import User

        actor = db.session.get(User, admin.id)
        with pytest.raises(ServiceError) as refused:
            services.update_settings(actor, banner=b"not an image", banner_name="x.png")
        assert refused.value.field == "banner"
        db.session.rollback()
    assert banner_name(in_territory) is None
