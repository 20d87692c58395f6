"""Shared helpers of the administration tests."""

from __future__ import annotations

import struct
from contextlib import contextmanager
import zlib

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

#: The settings form as the test territories start (see ptcc.testing.pytest_plugin).
BASE_SETTINGS = {
    "name": "Territoire Alpha",
    "presentation": "",
    "locales": ["fr", "en"],
    "default_locale": "fr",
    "timezone": "Europe/Paris",
    "primary_color": "#1f4e8c",
    "accent_color": "#8a3b12",
}


def settings_form(**overrides) -> dict:
    data = dict(BASE_SETTINGS)
    data.update(overrides)
    return data


def table_rows(html: str) -> str:
    """The body of the page's table (filters and header left out), or "" when there is none."""
    if "<tbody>" not in html:
        return ""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@contextmanager
def service_context(app, slug: str = "alpha"):
    """Inside a territory and a request, as a view calls services (translated messages need a locale)."""
    from ptcc.tenancy import tenant_context

    with tenant_context(slug, app=app), app.test_request_context(base_url=f"http://{slug}.test"):
        yield


def tiny_png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x4e\x8c")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def admin(make_user):
    # English, so that numbers and dates in messages have a known format.
    return make_user(tenant="alpha", email="admin@example.org", role="admin", display_name="Ada Admin", locale="en")


@pytest.fixture
def admin_client(alpha, admin):
    alpha.login(admin.email, DEFAULT_PASSWORD)
    return alpha


@pytest.fixture
def signed_in(territory_client, make_user):
    """``signed_in(role)``: a fresh user of alpha with that role, and a client signed in as them."""

    def make(role: str = "member", **kwargs):
        kwargs.setdefault("locale", "en")
        user = make_user(tenant="alpha", role=role, **kwargs)
        client = territory_client("alpha")
        client.login(user.email, DEFAULT_PASSWORD)
        return user, client

    return make
