"""The hostile machinery itself: its checks can fail, legitimate answers pass, the seeded
rows come back exactly, and discovery finds the forms the views use.

A check that cannot fail proves nothing: each rule is pointed at a view that breaks it
(``web.health``'s view replaced for the test) and must report it.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import redirect, request

from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from ptcc.web.errors import render_error
from tests.hostile.drive import exercise
from tests.hostile.examples import HostileRequest, Seeded
from tests.hostile.routes import Route, routes_of
from tests.hostile.strategies import baseline_request
from tests.hostile.world import OTHER

HEALTH = Route("web.health", "GET", "/healthz", ())
MARKER = "hxmachinery01"


@pytest.fixture
def replace_health_view(app, monkeypatch):
    def replace(view):
        monkeypatch.setitem(app.view_functions, "web.health", view)

    return replace


def rename_person(name: str) -> None:
    """Write to the current territory's database."""
    from ptcc.accounts.models import User

    db.session.execute(sa.update(User).where(User.email == "member@example.org").values(display_name=name))
    db.session.commit()


def checks_broken(world, surface, hostile: HostileRequest, route: Route = HEALTH) -> list[str]:
    return [failure.check for failure in exercise(world, surface, route, hostile)]


def route_of(app, endpoint: str, method: str) -> Route:
    return next(route for route in routes_of(app) if (route.endpoint, route.method) == (endpoint, method))


# --- each rule can fail -------------------------------------------------------------------


def test_a_server_error_is_reported_with_its_exception(hostile_world, hostile_surface, replace_health_view):
    def broken():
        raise ValueError("a known-500 input")

    replace_health_view(broken)
    [failure] = exercise(hostile_world, hostile_surface, HEALTH, HostileRequest("web.health", "GET"))
    assert (failure.check, failure.status) == ("server error", 500)
    assert failure.error == "ValueError: a known-500 input"
    assert "test_machinery.py" in failure.raised_at and "in broken" in failure.traceback


def test_a_refusal_that_writes_is_reported(hostile_world, hostile_surface, replace_health_view):
    def writes_then_refuses():
        rename_person("Changed by a refusal")
        return render_error(400, "Refused, but after writing.")

    replace_health_view(writes_then_refuses)
    assert checks_broken(hostile_world, hostile_surface, HostileRequest("web.health", "GET")) == [
        "refusal changed data"]
    assert hostile_world.digests() == hostile_world.state.digests  # put back for the next example


def test_a_change_to_beta_is_reported_even_when_accepted(hostile_world, hostile_surface, replace_health_view, app):
    def writes_to_beta():
        with tenant_context(OTHER, app=app):
            rename_person("Changed from alpha")
        return redirect("/")

    replace_health_view(writes_to_beta)
    assert checks_broken(hostile_world, hostile_surface, HostileRequest("web.health", "GET")) == [
        "changed beta's data"]


def test_a_refusal_that_says_nothing_is_reported(hostile_world, hostile_surface, replace_health_view):
    replace_health_view(lambda: ("<html><body><main><p>No.</p></main></body></html>", 400))
    assert checks_broken(hostile_world, hostile_surface, HostileRequest("web.health", "GET")) == [
        "refusal without explanation"]
    replace_health_view(lambda: ({"error": "x"}, 400))  # JSON without a message
    assert checks_broken(hostile_world, hostile_surface, HostileRequest("web.health", "GET")) == [
        "refusal without explanation"]


def test_a_reflected_script_is_reported(hostile_world, hostile_surface, replace_health_view):
    replace_health_view(lambda: f"<p>{request.args.get('q', '')}</p>")
    hostile = HostileRequest("web.health", "GET", query=(("q", f"<script>{MARKER}</script>"),), marker=MARKER)
    assert checks_broken(hostile_world, hostile_surface, hostile) == ["script shown unescaped in the answer"]


def test_a_stored_script_is_reported_on_the_pages_that_show_it(app, hostile_world, hostile_surface,
                                                              replace_health_view):
    """An accepted write carrying a payload sends alpha's administrator through the
    content pages; one of them (here the replaced health page) shows it raw."""
    replace_health_view(lambda: f"<p><script>{MARKER}</script></p>")
    hostile = HostileRequest("accounts.profile", "POST", fields=(("display_name", f"<script>{MARKER}</script>"),
                                                                  ("locale", "")), marker=MARKER)
    assert HEALTH in hostile_surface.content_pages
    assert checks_broken(hostile_world, hostile_surface, hostile, route_of(app, "accounts.profile", "POST")) == [
        "script stored, shown unescaped"]


# --- legitimate answers pass --------------------------------------------------------------


def test_an_accepted_form_may_write_and_a_refusal_that_explains_passes(app, hostile_world, hostile_surface):
    profile = route_of(app, "accounts.profile", "POST")
    surface = hostile_surface.of("accounts.profile")
    accepted = baseline_request(profile, surface)
    assert exercise(hostile_world, hostile_surface, profile, accepted) == []
    for csrf in ("missing", "garbage", "other-territory", "other-session"):
        refused = HostileRequest("accounts.profile", "POST", csrf=csrf, fields=accepted.fields)
        assert exercise(hostile_world, hostile_surface, profile, refused) == [], csrf


def test_an_escaped_payload_and_not_found_pages_pass(app, hostile_world, hostile_surface):
    profile = route_of(app, "accounts.profile", "POST")
    stored = HostileRequest("accounts.profile", "POST", marker=MARKER,
                            fields=(("display_name", f"<script>{MARKER}</script>"), ("locale", "")))
    assert exercise(hostile_world, hostile_surface, profile, stored) == []
    show = route_of(app, "organisations.show", "GET")
    for value in (Seeded(OTHER), "no-such-organisation"):
        assert exercise(hostile_world, hostile_surface, show,
                        HostileRequest("organisations.show", "GET", path_values=(("slug", value),))) == []
    api = route_of(app, "volunteering_api.mission", "GET")
    assert exercise(hostile_world, hostile_surface, api,
                    HostileRequest("volunteering_api.mission", "GET", path_values=(("mission_id", "999999"),))) == []


# --- the world and the discovery ----------------------------------------------------------


def test_the_seeded_rows_come_back_and_the_browsers_stay_signed_in(app, hostile_world):
    from ptcc.accounts.models import User

    with tenant_context("alpha", app=app):  # what a password change does to every session
        db.session.execute(sa.update(User).values(auth_version=User.auth_version + 1))
        db.session.commit()
    assert hostile_world.client("admin", "host").get("/account/").status_code == 302
    assert hostile_world.digests(refresh=True) != hostile_world.state.digests
    hostile_world.restore()
    assert hostile_world.digests(refresh=True) == hostile_world.state.digests
    for mode in ("host", "prefix"):
        assert hostile_world.client("admin", mode).get("/account/").status_code == 200


def test_discovery_finds_the_forms_and_parameters_the_views_use(hostile_surface):
    def kinds(endpoint, where="fields"):
        return {name: spec.kind for name, spec in getattr(hostile_surface.of(endpoint), where).items()}

    # OrganisationCommuneForm where the territory has imported its communes (the isolation seed has).
    assert {"OrganisationForm", "OrganisationCommuneForm"} & hostile_surface.of("organisations.new").form_classes
    assert {"name": "text", "kind": "choice", "topics": "multichoice", "declared_members": "integer"}.items() \
        <= kinds("organisations.new").items()
    assert kinds("volunteering.create")["starts_on"] == "date"
    assert {"logo": "file", "plugin-volunteering-home_missions": "integer"}.items() <= kinds("admin.settings").items()
    # Inputs a view reads without a form class, found in the pages' HTML forms.
    assert {"locale", "next"} <= set(kinds("web.set_language"))
    assert hostile_surface.of("organisations.answer_request").fields["decision"].choices == ("accept", "refuse")
    # Query parameters: GET forms (filters), what views read from request.args, generic ones.
    assert kinds("volunteering.index", "query")["date"] == "date"
    assert "role" in kinds("admin.change_role", "query")
    assert {"page", "per_page", "q", "next"} <= set(kinds("web.index", "query"))
    # Who can use each endpoint.
    assert hostile_surface.of("accounts.signup").identity == "anonymous"
    assert hostile_surface.of("organisations.edit").identity == "owner"
    assert hostile_surface.of("admin.settings").identity == "admin"
