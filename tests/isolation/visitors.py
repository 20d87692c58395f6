"""The two axes of the isolation matrix: how alpha is addressed, and who asks.

Addressing modes: ``host`` (``http://alpha.test/...``) and ``prefix``
(``http://localhost/t/alpha/...``, the platform host). Viewpoints: an anonymous
visitor, alpha's ordinary member, alpha's administrator — the seeded people of
``framework.USERS``, who have namesakes with the same ids and e-mails in beta.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from ptcc.tenancy import tenant_context
from ptcc.testing.pytest_plugin import TERRITORIES
from tests.isolation.framework import PASSWORD, USERS

MODES = ("host", "prefix")
VIEWPOINTS = ("anonymous", "member", "admin")
HOSTS = {slug: data["hosts"][0] for slug, data in TERRITORIES.items()}
#: The host the ``territory_client`` fixture uses in prefix mode.
PLATFORM_HOST = "localhost"


def cookie_location(mode: str, slug: str) -> dict:
    """Where the browser keeps a territory's session cookie: its host, or its /t/<slug>/ path."""
    if mode == "prefix":
        return {"domain": PLATFORM_HOST, "path": f"/t/{slug}/"}
    return {"domain": HOSTS[slug], "path": "/"}


def territory_address(territory_client, mode: str, slug: str, browser):
    return territory_client(slug, prefix=(mode == "prefix"), flask_client=browser)


#: A link, a form or a resource of a page that leads to beta's address.
BETA_LINK_RE = re.compile(r"""(?:href|action|src)\s*=\s*["'][^"']*(?:/t/beta(?:/|["'?#])|//beta\.test)""", re.I)


#: A redirect to beta: its host, or its /t/beta prefix on whatever host.
BETA_LOCATION_RE = re.compile(r"beta\.test|^(?:https?://[^/]*)?/t/beta(?:[/?#]|$)", re.I)


def leads_to_beta(location: str | None) -> bool:
    return bool(BETA_LOCATION_RE.search(location or ""))


class AlphaVisitor:
    """One browser asking alpha, from one viewpoint, in one addressing mode.

    The browser is also signed in to beta as beta's administrator, so that beta's
    session cookie sits in the same cookie jar the whole time (on the same
    ``localhost`` in prefix mode) and would be sent if its scope were wrong.

    Alpha's session cookie is saved once and put back before every case: a case that
    signs in as someone else, signs out or deletes the account must not change who
    asks the next one, and signing in again for every case would cost a password hash.
    """

    def __init__(self, app, territory_client, make_user, mode: str, viewpoint: str):
        self.app = app
        self.make_user = make_user
        self.mode = mode
        self.viewpoint = viewpoint
        self.browser = app.test_client()
        self.alpha = territory_address(territory_client, mode, "alpha", self.browser)
        self.beta = territory_address(territory_client, mode, "beta", self.browser)
        self.email = None if viewpoint == "anonymous" else USERS[viewpoint][0]
        self._person: tuple | None = None  # (id, auth_version) of the signed-in person
        self._saved_cookie = ""
        self._csrf = ""
        self._replacements = 0

    def start(self) -> "AlphaVisitor":
        self.beta.login(USERS["admin"][0], PASSWORD)
        self._sign_in()
        return self

    def _sign_in(self) -> None:
        if self.email:
            self.alpha.login(self.email, PASSWORD)
            self._person = self._lookup(self.email)
        # The home page gives a CSRF token; for the anonymous visitor it also opens the session.
        self._csrf = self.alpha.csrf_token()
        cookie = self.browser.get_cookie("session", **cookie_location(self.mode, "alpha"))
        assert cookie is not None, f"alpha set no session cookie at {cookie_location(self.mode, 'alpha')}"
        self._saved_cookie = cookie.value

    def _lookup(self, email: str) -> tuple | None:
        from ptcc.accounts.models import User
        from ptcc.extensions import db

        with tenant_context("alpha", app=self.app):
            row = db.session.execute(sa.select(User.id, User.auth_version).where(User.email == email)).first()
        return tuple(row) if row else None

    def resume(self) -> None:
        """Before a case: the same person, the same session, as after ``start``."""
        if self.email and self._lookup(self.email) != self._person:
            # A "last" case deleted the account (or a password changed, which the test reports):
            # carry on with a new person of the same role.
            self._replacements += 1
            role = USERS[self.viewpoint][1]
            self.email = f"{self.viewpoint}-again-{self._replacements}@example.org"
            self.make_user(tenant="alpha", email=self.email, role=role, password=PASSWORD)
            self._sign_in()
            return
        self.browser.set_cookie("session", self._saved_cookie, **cookie_location(self.mode, "alpha"))

    def csrf_token(self) -> str:
        return self._csrf

    def send(self, method: str, path: str, data: dict | None = None):
        """``path`` is alpha's path without its address; the mode adds host or prefix."""
        return self.browser.open(self.alpha.url(path), method=method, data=data, base_url=self.alpha.base_url)
