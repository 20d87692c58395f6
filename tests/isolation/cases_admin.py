"""Isolation cases of the administration module."""

from ptcc.accounts.models import User
from ptcc.audit.services import record
from ptcc.extensions import db
from ptcc.tenancy.models import TerritorySettings
from tests.isolation.framework import Case

ORDER = 30


def seed(ctx) -> dict:
    """Give the territory stored settings and an audit entry that carry its marker."""
    with ctx.territory():
        db.session.add(TerritorySettings(
            id=1, name=f"Territory {ctx.marker}", presentation=f"Presentation {ctx.marker}",
            locales=["fr", "en"], default_locale="fr", timezone="Europe/Paris",
            primary_color="#1f4e8c", accent_color="#8a3b12", logo_filename="",
        ))
        admin = db.session.get(User, ctx.users["admin"].id)
        record(admin, "isolation.seeded", target=admin, note=f"Seeded {ctx.marker}")
        db.session.commit()
    return {"admin_member_id": ctx.users["member"].id}


def _settings_form(values: dict) -> dict:
    return {
        "name": "Alpha renamed by the isolation suite",
        "presentation": "",
        "locales": ["fr", "en"],
        "default_locale": "fr",
        "timezone": "Europe/Paris",
        "primary_color": "#1f4e8c",
        "accent_color": "#8a3b12",
    }


CASES = {
    "admin.dashboard": Case(),
    "admin.style_guide": Case(form={}),
    "admin.settings": Case(form=_settings_form),
    "admin.people": Case(),
    "admin.change_role": Case(values=lambda v: {"user_id": v["admin_member_id"]},
                              form=lambda v: {"role": "moderator"}),
    "admin.audit_log": Case(),
}
