"""Every route and method of the app, driven with hostile input.

Each test id is one route and method (``test_hostile_input[sqlite-web.search-GET]``);
its failure lists every distinct problem found, with the input, the status and,
for a server error, the exception and where it was raised.
"""

from __future__ import annotations

from hypothesis import example, given

from tests.hostile.drive import exercise
from tests.hostile.routes import collection_routes, routes_of
from tests.hostile.strategies import hostile_requests, sweeps


def test_every_route_is_driven(app):
    """The routes parametrized at collection time are those of the tests' application."""
    assert set(routes_of(app)) == set(collection_routes())


def test_hostile_input(hostile_route, hostile_world, hostile_surface, hostile_settings, hostile_findings):
    route = hostile_route
    surface = hostile_surface.of(route.endpoint)

    @hostile_settings
    @given(hostile_requests(route, surface))
    def drive(request):
        hostile_findings.add(exercise(hostile_world, hostile_surface, route, request))

    for fixed in sweeps(route, surface):
        drive = example(fixed)(drive)
    drive()
    assert not hostile_findings, hostile_findings.report()
