"""Tenant isolation: nothing of territory beta is visible or writable from alpha.

Both territories hold the same e-mails and the same slugs. Logged in as alpha's
administrator, we call every endpoint of the app on alpha's host with beta's
identifiers and tokens; beta's marker must never show and beta's database must
not change. Then beta's session cookie is replayed on alpha's host.
"""

from __future__ import annotations

import pytest

from ptcc.testing.clients import TerritoryClient
from tests.isolation.framework import MARKERS, PASSWORD, USERS, all_cases, fingerprint, seed

SKIP_METHODS = {"HEAD", "OPTIONS"}


def app_endpoints(app) -> dict[str, set[str]]:
    endpoints: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        endpoints.setdefault(rule.endpoint, set()).update((rule.methods or set()) - SKIP_METHODS)
    return endpoints


def test_every_route_has_an_isolation_case(app):
    cases = all_cases()
    missing = sorted(set(app_endpoints(app)) - set(cases))
    assert not missing, f"routes without an isolation case in tests/isolation/cases_*.py: {missing}"


def build_url(app, endpoint: str, values: dict) -> str:
    from flask import url_for

    with app.test_request_context(base_url="http://alpha.test"):
        return url_for(endpoint, **values)


def signed_in_alpha_admin(app, make_user) -> TerritoryClient:
    client = TerritoryClient(app.test_client(), "alpha.test")
    response = client.submit("/account/login", {"email": USERS["admin"][0], "password": PASSWORD})
    if response.status_code != 302:  # a previous case deleted or changed the account
        make_user(tenant="alpha", email=f"admin-again-{id(response)}@example.org", role="admin", password=PASSWORD)
        client.login(f"admin-again-{id(response)}@example.org", PASSWORD)
    return client


@pytest.fixture
def seeded(app, make_user):
    return {slug: seed(app, slug, make_user) for slug in ("alpha", "beta")}


def test_alpha_cannot_read_or_change_beta(app, make_user, seeded):
    cases = all_cases()
    beta_values = seeded["beta"]
    before = fingerprint(app, "beta")
    problems = []
    ordered = sorted(app_endpoints(app).items(), key=lambda item: (cases[item[0]].last, item[0]))
    for endpoint, methods in ordered:
        case = cases[endpoint]
        url = build_url(app, endpoint, case.url_values(beta_values))
        client = signed_in_alpha_admin(app, make_user)
        for method in sorted(methods):
            if method == "GET":
                response = client.client.get(url, base_url=client.base_url)
            else:
                data = case.form_data(beta_values)
                data.setdefault("csrf_token", client.csrf_token())
                response = client.client.open(url, method=method, data=data, base_url=client.base_url)
            body = response.get_data(as_text=True)
            if response.status_code >= 500:
                problems.append(f"{method} {url}: {response.status_code}")
            if MARKERS["beta"] in body:
                problems.append(f"{method} {url}: shows beta's data")
            after = fingerprint(app, "beta")
            if after != before:
                changed = [t for t in after if after[t] != before.get(t)]
                problems.append(f"{method} {url}: changed beta's tables {changed}")
                before = after
    assert not problems, "\n".join(problems)


def test_beta_cookie_is_worthless_on_alpha(app, seeded):
    beta = TerritoryClient(app.test_client(), "beta.test")
    beta.login(USERS["admin"][0], PASSWORD)
    cookie = beta.client.get_cookie("session", domain="beta.test")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain="alpha.test")
    cases = all_cases()
    leaks = []
    for endpoint, methods in app_endpoints(app).items():
        if "GET" not in methods or cases[endpoint].last:
            continue
        url = build_url(app, endpoint, cases[endpoint].url_values(seeded["beta"]))
        response = thief.get(url, base_url="http://alpha.test")
        if MARKERS["beta"] in response.get_data(as_text=True) or response.status_code >= 500:
            leaks.append(f"GET {url}: {response.status_code}")
    profile = thief.get("/account/", base_url="http://alpha.test")
    assert profile.status_code == 302 and "/account/login" in profile.headers["Location"]
    assert not leaks, "\n".join(leaks)
