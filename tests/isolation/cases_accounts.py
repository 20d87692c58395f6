"""Isolation cases of the accounts module: beta's links and forms used on alpha."""

from ptcc.accounts.tokens import make_token
from tests.isolation.framework import PASSWORD, Case

ORDER = 10


def seed(ctx) -> dict:
    """Links made in the territory, for its member (same id and e-mail in both)."""
    member = ctx.users["member"]
    with ctx.territory():
        from ptcc.accounts.models import User
        from ptcc.accounts.services import _password_fingerprint
        from ptcc.extensions import db

        user = db.session.get(User, member.id)
        return {
            "verify_token": make_token("verify", {"uid": user.id, "email": user.email}),
            "reset_token": make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)}),
            "set_password_token": make_token("set_password", {"uid": user.id, "fp": _password_fingerprint(user)}),
        }


NEW_PASSWORD = {"password": "isolation replaced it", "password_confirm": "isolation replaced it"}

CASES = {
    "accounts.signup": Case(form={"display_name": "X", "email": "new@example.org",
                                  "password": PASSWORD, "password_confirm": PASSWORD,
                                  "accept_terms": "y"}),
    "accounts.verify": Case(values=lambda v: {"token": v["verify_token"]}),
    "accounts.resend_verification": Case(),
    "accounts.login": Case(form={"email": "member@example.org", "password": PASSWORD}),
    "accounts.reset_request": Case(form={"email": "member@example.org"}),
    "accounts.reset_password": Case(values=lambda v: {"token": v["reset_token"]}, form=NEW_PASSWORD),
    "accounts.set_password": Case(values=lambda v: {"token": v["set_password_token"]}, form=NEW_PASSWORD),
    "accounts.profile": Case(form={"display_name": "Alpha admin", "locale": "fr"}),
    "accounts.export": Case(),
    "accounts.logout": Case(last=True),
    "accounts.delete": Case(last=True, form={"password": PASSWORD}),
}
