"""The territory's home page: an invitation (what, what to do, figures, latest activity)."""

from __future__ import annotations

from ptcc.testing.factories import DEFAULT_PASSWORD
from ptcc.web.page_cache import HEADER
from tests.caching.helpers import add_organisation


def home(client) -> str:
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_anonymous_visitor_is_invited_to_sign_up_and_to_browse(app, alpha):
    html = home(alpha)
    hero = html.split('<section class="hero"', 1)[1].split("</section>", 1)[0]
    assert '<h1 id="home-title">Territoire Alpha</h1>' in hero or "<h1 id=\"home-title\">" in hero
    assert 'href="/account/signup"' in hero and 'href="/account/login"' in hero
    calls = html.split('<ul class="calls">', 1)[1].split("</ul>", 1)[0]
    assert calls.count('<li class="call">') == 3
    for target in ('href="/organisations/new"', 'href="/organisations/"', 'href="/account/signup"'):
        assert target in calls
    assert "What you can do here" in html and "Latest activity" in html
    assert "empty-state" in html  # no activity yet: an empty state, not an empty list
    assert "hero-banner" not in html  # no banner chosen


def test_a_signed_in_person_is_sent_to_their_dashboard(alpha, make_user):
    person = make_user(tenant="alpha", locale="en")
    alpha.login(person.email, DEFAULT_PASSWORD)
    html = home(alpha)
    hero = html.split('<section class="hero"', 1)[1].split("</section>", 1)[0]
    assert 'href="/dashboard"' in hero and 'href="/account/signup"' not in hero


def test_the_figures_are_tiles_and_the_blocks_keep_working(app, alpha):
    name = add_organisation(app)
    html = home(alpha)
    assert '<ul class="figures">' in html
    assert '<strong class="figure-value">1</strong>' in html and name in html  # organisations' block


def test_the_home_page_stays_in_the_page_cache_for_visitors(app, alpha):
    add_organisation(app)
    first = alpha.get("/")
    again = alpha.get("/")
    assert (first.headers.get(HEADER), again.headers.get(HEADER)) == ("stored", "hit")
    assert "csrf_token" not in again.get_data(as_text=True)
