"""The isolation suite's vocabulary: a Case per endpoint, a seed per module.

Each ``tests/isolation/cases_<module>.py`` declares ``ORDER``, ``seed(ctx)`` and
``CASES``; ``test_isolation.py`` loads them all.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa

from ptcc.tenancy import tenant_context

PASSWORD = "isolation password 2026"
#: The same people, with the same e-mails, exist in both territories.
USERS = {
    "admin": ("admin@example.org", "admin"),
    "moderator": ("moderator@example.org", "moderator"),
    "member": ("member@example.org", "member"),
    "owner": ("owner@example.org", "member"),
}
MARKERS = {"alpha": "ALPHA-MARK", "beta": "BETA-SECRET"}


@dataclass(frozen=True)
class Case:
    #: URL values, built from the *other* territory's seed values.
    values: Callable[[dict], dict] | None = None
    #: POST body (dict or callable of the other territory's values); CSRF is added.
    form: Callable[[dict], dict] | dict | None = None
    #: Runs after the others (it logs out, deletes the account...).
    last: bool = False

    def url_values(self, other: dict) -> dict:
        return self.values(other) if self.values else {}

    def form_data(self, other: dict) -> dict:
        if callable(self.form):
            return dict(self.form(other))
        return dict(self.form or {})


@dataclass
class SeedContext:
    slug: str
    marker: str
    app: object
    users: dict
    password: str = PASSWORD
    values: dict = field(default_factory=dict)

    def territory(self):
        return tenant_context(self.slug, app=self.app)


def case_modules():
    import tests.isolation as package

    modules = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            modules.append(importlib.import_module(f"tests.isolation.{info.name}"))
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 100))


def all_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for module in case_modules():
        for endpoint, case in module.CASES.items():
            assert endpoint not in cases, f"{endpoint} has two isolation cases"
            cases[endpoint] = case
    return cases


def seed(app, slug: str, make_user) -> dict:
    users = {
        key: make_user(tenant=slug, email=email, role=role, password=PASSWORD,
                       display_name=f"{key.title()} {MARKERS[slug]}")
        for key, (email, role) in USERS.items()
    }
    ctx = SeedContext(slug=slug, marker=MARKERS[slug], app=app, users=users)
    for module in case_modules():
        ctx.values.update(module.seed(ctx) or {})
    return ctx.values


def fingerprint(app, slug: str) -> dict[str, str]:
    """A digest of every row of every table of a territory."""
    from ptcc.extensions import db

    digests = {}
    engine = app.extensions["ptcc"].engines.get(app.extensions["ptcc"].registry.get(slug))
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        for table in db.metadata.sorted_tables:
            if not inspector.has_table(table.name):
                continue
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def credentials(app, slug: str) -> dict[int, tuple]:
    """What signs each person of a territory in (or proves their address), by id."""
    from ptcc.accounts.models import User
    from ptcc.extensions import db

    with tenant_context(slug, app=app):
        rows = db.session.execute(
            sa.select(User.id, User.password_hash, User.auth_version, User.email_verified_at)).all()
    return {row.id: tuple(row[1:]) for row in rows}


def build_path(app, endpoint: str, values: dict) -> str:
    """The endpoint's path inside a territory, without host or /t/<slug> prefix."""
    from flask import url_for

    with app.test_request_context(base_url="http://alpha.test"):
        return url_for(endpoint, **values)


#: Pages of the platform host only (not of a territory).
NOT_TERRITORY_PAGES = {"static", "web.platform_index"}


def territory_get_pages(app, values: dict) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET page of a territory, with the seeded values; views that
    write when visited are left out (their second visit differs from the first)."""
    cases = all_cases()
    pages = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_TERRITORY_PAGES \
                or getattr(view, "ptcc_writes_on_get", False):
            continue
        pages.append((rule.endpoint, build_path(app, rule.endpoint, cases[rule.endpoint].url_values(values))))
    return sorted(set(pages))
