"""Tenant isolation: nothing of territory beta is visible or writable from alpha.

Both territories hold the same e-mails, ids and slugs. Every endpoint of the app is
called on alpha with beta's identifiers, tokens and forms, in both addressing modes
(alpha's host, and ``/t/alpha/`` on the platform host) and from three viewpoints
(anonymous, alpha's member, alpha's administrator), each combination its own test.
From every one: beta's marker never shows, no 5xx, beta's tables never change, no
redirect or link leads to beta, and no password of alpha changes (beta's reset and
set-password links must be worthless on alpha). Then beta's session cookie is
replayed on alpha, in both modes.
"""

from __future__ import annotations

import pytest

from tests.isolation.framework import (
    MARKERS, PASSWORD, USERS, all_cases, build_path, credentials, fingerprint, seed,
)
from tests.isolation.visitors import (
    BETA_LINK_RE, MODES, VIEWPOINTS, AlphaVisitor, cookie_location, leads_to_beta, territory_address,
)

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


@pytest.fixture
def seeded(app, make_user):
    return {slug: seed(app, slug, make_user) for slug in ("alpha", "beta")}


def ordered_cases(app):
    """Every (endpoint, case, methods), the cases that end the session last."""
    cases = all_cases()
    endpoints = sorted(app_endpoints(app).items(), key=lambda item: (cases[item[0]].last, item[0]))
    return [(endpoint, cases[endpoint], sorted(methods)) for endpoint, methods in endpoints]


def what_leaks(response) -> list[str]:
    """What in one answer belongs to beta, or shows the answer failed."""
    # Files (fonts, images) are bytes: read as text with replacement, markers are ASCII.
    body = response.get_data().decode("utf-8", "replace")
    found = []
    if response.status_code >= 500:
        found.append(f"answered {response.status_code}")
    if MARKERS["beta"] in body:
        found.append("shows beta's data")
    if leads_to_beta(response.headers.get("Location")):
        found.append(f"redirects to beta: {response.headers['Location']}")
    link = BETA_LINK_RE.search(body)
    if link:
        found.append(f"links to beta: {link.group(0)}")
    return found


class Unchanged:
    """What no request on alpha may change: beta's tables, and how alpha's people sign in
    (a beta reset or set-password link accepted on alpha would change a password there)."""

    def __init__(self, app):
        self.app = app
        self.beta_tables = fingerprint(app, "beta")
        self.alpha_credentials = credentials(app, "alpha")

    def changes(self, case_ends_the_account: bool) -> list[str]:
        found = []
        tables = fingerprint(self.app, "beta")
        if tables != self.beta_tables:
            changed = sorted(name for name in tables if tables[name] != self.beta_tables.get(name))
            found.append(f"changed beta's tables {changed}")
            self.beta_tables = tables  # each change is reported once, by the request that made it
        if not case_ends_the_account:  # the "last" cases delete the account on purpose
            now = credentials(self.app, "alpha")
            people = [person for person, before in self.alpha_credentials.items()
                      if now.get(person, before) != before]
            if people:
                found.append(f"changed how alpha's people {people} sign in")
            self.alpha_credentials.update(now)  # and people who signed up count from now on
        return found


@pytest.mark.parametrize("viewpoint", VIEWPOINTS)
@pytest.mark.parametrize("mode", MODES)
def test_alpha_cannot_read_or_change_beta(app, make_user, territory_client, seeded, mode, viewpoint):
    visitor = AlphaVisitor(app, territory_client, make_user, mode, viewpoint).start()
    beta_values = seeded["beta"]
    unchanged = Unchanged(app)
    problems = []
    for endpoint, case, methods in ordered_cases(app):
        path = build_path(app, endpoint, case.url_values(beta_values))
        for method in methods:
            visitor.resume()
            data = None
            if method != "GET":
                data = case.form_data(beta_values)
                data.setdefault("csrf_token", visitor.csrf_token())
            response = visitor.send(method, path, data)
            where = f"{method} {visitor.alpha.url(path)}"
            problems += [f"{where}: {problem}" for problem in what_leaks(response) + unchanged.changes(case.last)]
    assert not problems, f"{mode} mode, {viewpoint} viewpoint:\n" + "\n".join(problems)


@pytest.mark.parametrize("mode", MODES)
def test_beta_cookie_is_worthless_on_alpha(app, territory_client, seeded, mode):
    browser = app.test_client()
    beta = territory_address(territory_client, mode, "beta", browser)
    beta.login(USERS["admin"][0], PASSWORD)
    cookie = browser.get_cookie("session", **cookie_location(mode, "beta"))
    assert cookie is not None, f"beta's session cookie is not at {cookie_location(mode, 'beta')}"

    # The same browser asking alpha does not send it: another host, or another path on localhost.
    alpha = territory_address(territory_client, mode, "alpha", browser)
    profile = alpha.get("/account/")
    assert cookie.value not in (profile.request.headers.get("Cookie") or "")
    assert profile.status_code == 302 and "/account/login" in profile.headers["Location"]

    def thief():
        """A browser holding beta's cookie where alpha's would be. A new one for every request:
        the first answer that sets alpha's own cookie would otherwise replace the stolen one."""
        client = app.test_client()
        client.set_cookie("session", cookie.value, **cookie_location(mode, "alpha"))
        return territory_address(territory_client, mode, "alpha", client)

    leaks = []
    for endpoint, case, methods in ordered_cases(app):
        if "GET" not in methods or case.last:
            continue
        on_alpha = thief()
        path = build_path(app, endpoint, case.url_values(seeded["beta"]))
        response = on_alpha.get(path)
        assert cookie.value in response.request.headers.get("Cookie", "")
        leaks += [f"GET {on_alpha.url(path)}: {leak}" for leak in what_leaks(response)]
    profile = thief().get("/account/")
    assert profile.status_code == 302 and "/account/login" in profile.headers["Location"]
    assert not leaks, "\n".join(leaks)
