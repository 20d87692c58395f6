"""Which territory answers, decided through a real gunicorn, for requests no browser sends.

gunicorn runs with ``config/gunicorn.conf.py`` on a free loopback port and two
territories whose names carry a marker (``ALPHA-MARK``, ``BETA-SECRET``), so that
the territory that answered is read off the page. Every request is written byte by
byte (``raw_http``): odd ``Host`` headers, two of them, none, absolute-form request
lines, ``/t/<slug>/`` paths on the wrong host, and forwarding headers.

The rules checked for each answer:

- no 5xx, and never both territories in one answer;
- the territory that answers is one the request may reach (``may_answer``); an
  unknown or malformed host reaches none, and then the answer is a 404 (or gunicorn's
  own 400), not another territory;
- forwarding headers do not change the territory: neither gunicorn nor the app is
  configured to take the host from them (gunicorn trusts its loopback peer only for
  the scheme headers and its ``forwarder_headers``, see the ``gunicorn-*`` probes);
- neither ``Location`` nor a cookie's ``Path`` leads to the other territory.

The probes ask for ``/account/login``: a territory's page (the platform host has no
such page), carrying the territory's name and setting its session cookie.

Absolute-form request lines: RFC 9112 §3.2.2 says an origin server should take the
host from the request line and ignore ``Host``. gunicorn passes ``Host`` through
unchanged and the app, as documented, follows ``Host``; behind the documented
reverse proxy the request line never reaches gunicorn in absolute form. The probes
pin today's rule — the ``Host`` header's territory or none, never the one named only
by the request line — so that a change of rule is a decision, not an accident.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.cli.sandbox import Platform
from tests.isolation.framework import MARKERS
from tests.isolation.gunicorn_server import serving
from tests.isolation.raw_http import exchange, request_bytes
from tests.isolation.visitors import HOSTS

pytestmark = pytest.mark.slow

ALPHA, BETA, NOBODY = "alpha", "beta", None
LOGIN = "GET /account/login HTTP/1.1"


@dataclass(frozen=True)
class Probe:
    request_line: str
    headers: tuple
    #: The territories allowed to answer; NOBODY stands for "a 404 (or 400) naming no territory".
    may_answer: frozenset
    #: The one status expected, where the rule is that precise.
    status: int | None = None


def probe(probe_id: str, request_line: str, headers, *may_answer, status: int | None = None):
    return pytest.param(Probe(request_line, tuple(headers), frozenset(may_answer), status), id=probe_id)


def on_alpha(*extra):
    return [("Host", "alpha.test"), *extra]


PROBES = [
    # Host header spellings.
    probe("host-alpha", LOGIN, [("Host", "alpha.test")], ALPHA),
    probe("host-beta", LOGIN, [("Host", "beta.test")], BETA),
    probe("host-beta-port-80", LOGIN, [("Host", "beta.test:80")], BETA),
    probe("host-upper-case", LOGIN, [("Host", "ALPHA.TEST")], ALPHA),
    probe("host-mixed-case-port", LOGIN, [("Host", "BeTa.TeSt:80")], BETA),
    probe("host-unknown", LOGIN, [("Host", "gamma.test")], NOBODY, status=404),
    probe("host-unknown-port", LOGIN, [("Host", "gamma.test:8000")], NOBODY, status=404),
    probe("host-platform-has-no-territory-page", LOGIN, [("Host", "localhost")], NOBODY, status=404),
    # An authority parser reads user info here and takes the host after "@".
    probe("host-userinfo", LOGIN, [("Host", "alpha.test:80@beta.test")], NOBODY),
    probe("host-userinfo-reverse", LOGIN, [("Host", "beta.test:80@alpha.test")], NOBODY),
    probe("host-trailing-dot", LOGIN, [("Host", "beta.test.")], BETA, NOBODY),
    probe("host-port-out-of-range", LOGIN, [("Host", "alpha.test:99999")], ALPHA, NOBODY),
    probe("host-port-not-digits", LOGIN, [("Host", "alpha.test:beta.test")], NOBODY),
    probe("host-two-ports", LOGIN, [("Host", "alpha.test:80:443")], NOBODY),
    probe("host-tab-garbage", LOGIN, [("Host", "alpha.test\tbeta.test")], NOBODY),
    probe("host-space-garbage", LOGIN, [("Host", "alpha.test beta.test")], NOBODY),
    probe("host-comma-list", LOGIN, [("Host", "alpha.test,beta.test")], NOBODY),
    probe("host-nul-byte", LOGIN, [("Host", "alpha.test\x00beta.test")], NOBODY),
    probe("host-path-garbage", LOGIN, [("Host", "alpha.test/beta.test")], NOBODY),
    probe("host-percent-encoded", LOGIN, [("Host", "alpha%2etest")], NOBODY),
    probe("host-obsolete-folding", LOGIN, ["Host: alpha.test", " beta.test"], NOBODY),
    probe("host-sub-domain", LOGIN, [("Host", "www.alpha.test")], NOBODY),
    probe("host-other-as-suffix", LOGIN, [("Host", "alpha.test.beta.test")], NOBODY),
    probe("host-two-headers", LOGIN, [("Host", "alpha.test"), ("Host", "beta.test")], NOBODY),
    probe("host-two-headers-reverse", LOGIN, [("Host", "beta.test"), ("Host", "alpha.test")], NOBODY),
    probe("host-empty", LOGIN, [("Host", "")], NOBODY),
    probe("host-missing", LOGIN, [], NOBODY),
    probe("host-missing-http10", "GET /account/login HTTP/1.0", [], NOBODY),
    probe("host-ipv6-loopback", LOGIN, [("Host", "[::1]")], NOBODY),
    probe("host-ipv6-port", LOGIN, [("Host", "[::1]:8000")], NOBODY),
    probe("host-ipv6-mapped", LOGIN, [("Host", "[::ffff:127.0.0.1]")], NOBODY),
    probe("host-ipv6-bracketed-name", LOGIN, [("Host", "[alpha.test]")], NOBODY),
    # /t/<slug>/ selects a territory on a platform host only.
    probe("prefix-beta-on-localhost", "GET /t/beta/account/login HTTP/1.1", [("Host", "localhost")], BETA),
    probe("prefix-beta-on-127", "GET /t/beta/account/login HTTP/1.1", [("Host", "127.0.0.1")], BETA),
    probe("prefix-beta-on-alpha-host", "GET /t/beta/account/login HTTP/1.1", on_alpha(), ALPHA, NOBODY),
    probe("prefix-dot-segments", "GET /t/alpha/../beta/account/login HTTP/1.1", [("Host", "localhost")],
          ALPHA, NOBODY),
    probe("prefix-percent-encoded", "GET /t/%62eta/account/login HTTP/1.1", [("Host", "localhost")], BETA),
    probe("prefix-upper-case", "GET /t/BETA/account/login HTTP/1.1", [("Host", "localhost")], NOBODY),
    probe("prefix-double-slash", "GET //t/beta/account/login HTTP/1.1", [("Host", "localhost")], BETA, NOBODY),
    probe("prefix-unknown-territory", "GET /t/gamma/account/login HTTP/1.1", [("Host", "localhost")], NOBODY,
          status=404),
    # Absolute-form request lines: the Host header decides (see the module's docstring).
    probe("absolute-beta-host-alpha", "GET http://beta.test/account/login HTTP/1.1", on_alpha(), ALPHA, NOBODY),
    probe("absolute-alpha-host-beta", "GET http://alpha.test/account/login HTTP/1.1", [("Host", "beta.test")],
          BETA, NOBODY),
    probe("absolute-beta-no-host", "GET http://beta.test/account/login HTTP/1.1", [], BETA, NOBODY),
    probe("absolute-prefix-beta-host-alpha", "GET http://localhost/t/beta/account/login HTTP/1.1", on_alpha(),
          ALPHA, NOBODY),
    # Forwarding headers: nothing is configured to trust them for the host.
    probe("x-forwarded-host", LOGIN, on_alpha(("X-Forwarded-Host", "beta.test")), ALPHA),
    probe("forwarded-host", LOGIN, on_alpha(("Forwarded", "host=beta.test")), ALPHA),
    probe("forwarded-full", LOGIN, on_alpha(("Forwarded", 'for="[2001:db8::1]";host=beta.test;proto=https')),
          ALPHA),
    probe("x-forwarded-proto", LOGIN, on_alpha(("X-Forwarded-Proto", "https")), ALPHA),
    probe("x-forwarded-for", LOGIN, on_alpha(("X-Forwarded-For", "203.0.113.9, 127.0.0.1")), ALPHA),
    probe("x-forwarded-server", LOGIN, on_alpha(("X-Forwarded-Server", "beta.test")), ALPHA),
    probe("x-original-host", LOGIN, on_alpha(("X-Original-Host", "beta.test"), ("X-Host", "beta.test")), ALPHA),
    probe("x-forwarded-prefix", LOGIN, on_alpha(("X-Forwarded-Prefix", "/t/beta")), ALPHA),
    probe("forwarding-all-at-once", LOGIN, on_alpha(
        ("X-Forwarded-Host", "beta.test"), ("Forwarded", "host=beta.test;proto=https"),
        ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.9")), ALPHA),
    probe("x-forwarded-host-on-prefix", "GET /t/alpha/account/login HTTP/1.1",
          [("Host", "localhost"), ("X-Forwarded-Host", "beta.test"), ("X-Forwarded-Prefix", "/t/beta")], ALPHA),
    # gunicorn's own forwarder header: with the default forwarder_headers ("SCRIPT_NAME,PATH_INFO")
    # and forwarded_allow_ips (loopback), a SCRIPT_NAME header from the proxy's address becomes
    # the WSGI SCRIPT_NAME, before the resolver looks at the path.
    probe("gunicorn-script-name-header", LOGIN, on_alpha(("SCRIPT_NAME", "/t/beta")), ALPHA),
    probe("gunicorn-script-name-moves-prefix", "GET /t/beta/t/alpha/account/login HTTP/1.1",
          [("Host", "localhost"), ("SCRIPT_NAME", "/t/beta")], BETA, NOBODY),
]


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory):
    """One gunicorn for the module: alpha and beta, each named with its marker."""
    root = tmp_path_factory.mktemp("gunicorn-hosts")
    platform = Platform(root)
    try:
        for slug, host in HOSTS.items():
            platform.write_tenant(slug, f"Territoire {MARKERS[slug]}", hosts=[host])
            platform.prepare_schema(slug)
        result = platform.run("db", "upgrade")
        assert result.exit_code == 0, result.output
        log = root / "gunicorn.log"
        with serving(platform, log) as port:
            yield port
    finally:
        platform.close()


def who_answered(body: str) -> set[str]:
    return {slug for slug, marker in MARKERS.items() if marker in body}


def leads_to(value: str, slug: str) -> bool:
    """Whether a Location or a cookie path points into ``slug``'s territory."""
    return f"/t/{slug}/" in value + "/" or HOSTS[slug] in value.lower()


@pytest.mark.parametrize("probe", PROBES)
def test_only_the_addressed_territory_answers(gunicorn_port, probe: Probe):
    answer = exchange(gunicorn_port, request_bytes(probe.request_line, list(probe.headers)))
    shown = f"{probe.request_line!r} {list(probe.headers)!r} -> {answer.summary()}"

    assert answer.status is not None, f"no answer: {shown}"
    assert answer.status < 500, f"server error: {shown}"
    answered = who_answered(answer.body)
    assert len(answered) <= 1, f"both territories in one answer: {shown}"
    territory = next(iter(answered), NOBODY)
    assert territory in probe.may_answer, (
        f"answered by {territory or 'no territory'}, expected one of "
        f"{sorted(str(t) for t in probe.may_answer)}: {shown}")
    if probe.status is not None:
        assert answer.status == probe.status, f"expected {probe.status}: {shown}"
    if territory is NOBODY:
        assert answer.status in (400, 404), f"no territory, yet not a 404: {shown}"
    elif probe.may_answer == {territory}:
        assert answer.status == 200, f"the addressed territory did not answer its page: {shown}"

    others = [slug for slug in HOSTS if slug != territory]
    for value in [answer.header("Location") or "", *answer.cookie_paths()]:
        for other in others:
            assert not leads_to(value, other), f"points into {other}: {value!r}: {shown}"
