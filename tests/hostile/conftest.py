"""Fixtures of the hostile-input tests: one test per route and method, seeded territories,
the discovered surface, hypothesis settings, and a summary of the failures by cause."""

from __future__ import annotations

import dataclasses
import json
import re
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, seed, settings

from tests.hostile.drive import Findings
from tests.hostile.routes import collection_routes, routes_of
from tests.hostile.surface import discover
from tests.hostile.world import World

#: werkzeug's scrypt with a 1,024 work factor instead of 32,768 (see cheap_password_hashing).
CHEAP_SCRYPT = "scrypt:1024:8:1"
FINDINGS = pytest.StashKey[list]()


def pytest_generate_tests(metafunc):
    # The URL map is read at collection time, so each route and method is its own test id.
    if "hostile_route" in metafunc.fixturenames:
        routes = collection_routes()
        metafunc.parametrize("hostile_route", routes, ids=[route.test_id for route in routes])


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Sign-ins, sign-ups and password changes are frequent examples; at the app's own
    scrypt cost (2**15) hashing would take much of the run. The stored hash names its
    parameters, so checking a password works unchanged."""
    from werkzeug.security import generate_password_hash

    def cheap(password, method="scrypt", salt_length=16):
        return generate_password_hash(password, method=CHEAP_SCRYPT, salt_length=salt_length)

    monkeypatch.setattr("ptcc.accounts.models.generate_password_hash", cheap)


@pytest.fixture(scope="session")
def _hostile_cache():
    """By application (one per backend): the seed state and the discovered surface."""
    return {"state": {}, "surface": {}}


@pytest.fixture
def hostile_world(app, make_user, territory_client, _hostile_cache):
    """Seeded territories: seeded by the first test of each backend, put back for the others."""
    state = _hostile_cache["state"].get(id(app))
    world = World(app, territory_client, state)
    if state is None:
        world.seed(make_user)
        _hostile_cache["state"][id(app)] = world.state
    else:
        world.restore()
    return world


@pytest.fixture
def hostile_surface(app, hostile_world, _hostile_cache):
    """What each endpoint accepts; discovered by the first test of each backend."""
    surfaces = _hostile_cache["surface"]
    if id(app) not in surfaces:
        surfaces[id(app)] = discover(hostile_world, routes_of(app))
        hostile_world.restore()
    return surfaces[id(app)]


@pytest.fixture
def hostile_settings(request, hostile_route):
    """Decorates a test with the run's hypothesis settings. No example database and a seed
    per route: CI draws the same inputs every time; ``--hostile-seed`` explores others.
    Only the explicit (sweeps) and generate phases: failures are collected, never raised,
    so there is nothing to shrink. ``--hostile-examples 0`` runs the sweeps alone."""
    examples = request.config.getoption("--hostile-examples")
    phases = (Phase.explicit, Phase.generate) if examples > 0 else (Phase.explicit,)
    route_seed = request.config.getoption("--hostile-seed") * 1_000_003 + zlib.crc32(hostile_route.test_id.encode())

    def apply(test):
        configured = settings(
            max_examples=max(examples, 1),
            deadline=None,
            database=None,
            phases=phases,
            suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.large_base_example, HealthCheck.filter_too_much),
            print_blob=False,
        )(test)
        return seed(route_seed)(configured)

    return apply


@pytest.fixture
def hostile_findings(request, hostile_route, ptcc_backend):
    findings = Findings(hostile_route)
    yield findings
    request.config.stash.setdefault(FINDINGS, []).append((ptcc_backend, findings))


# --- the summary by cause -------------------------------------------------------------------


def _cause(failure) -> tuple:
    if failure.error:
        message = re.sub(r"\d+", "N", failure.error)
        message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
        return (failure.check, message[:160])
    return (failure.check, f"status {failure.status}")


def _write_report(path: str, collected: list) -> None:
    entries = [{"backend": backend, "endpoint": findings.route.endpoint, "method": findings.route.method,
                "rule": findings.route.rule, "examples": findings.examples, "seen": len(failures),
                **dataclasses.asdict(min(failures, key=lambda failure: len(failure.request)))}
               for backend, findings in collected for failures in findings.by_signature.values()]
    Path(path).write_text(json.dumps(entries, indent=2, ensure_ascii=False))


def pytest_terminal_summary(terminalreporter, config):
    collected = config.stash.get(FINDINGS, [])
    if config.getoption("--hostile-report"):
        _write_report(config.getoption("--hostile-report"), collected)
    causes: dict[tuple, list] = {}
    for backend, findings in collected:
        for failures in findings.by_signature.values():
            first = failures[0]
            causes.setdefault(_cause(first), []).append((backend, findings.route, first))
    if not causes:
        return
    write = terminalreporter.write_line
    terminalreporter.section("hostile inputs: failures by cause")
    for (check, what), entries in sorted(causes.items(), key=lambda item: -len(item[1])):
        write(f"\n{check} — {what} ({len(entries)} failure(s))")
        for backend, route, failure in sorted(entries, key=lambda e: (e[1].test_id, e[0])):
            where = failure.project_frame or failure.raised_at or failure.detail[:100]
            write(f"  {backend:10} {route.method:4} {route.rule:55} {failure.status}  {where}")
