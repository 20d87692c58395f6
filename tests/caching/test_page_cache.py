"""Anonymous visitors' pages kept per territory, data version and language
(ptcc.web.page_cache): served again only while nothing changed, never to or from a
signed-in person, never across territories."""

from __future__ import annotations

import pytest

from ptcc.testing.clients import TerritoryClient
from ptcc.web import page_cache
from ptcc.web.page_cache import HEADER
from tests.caching.helpers import add_organisation, organisations_shown

DIRECTORY = "/organisations/"


def cache_state(response) -> str | None:
    return response.headers.get(HEADER)


def test_a_page_is_rendered_once_then_served_until_the_data_changes(app, alpha):
    add_organisation(app)
    first = alpha.get(DIRECTORY)
    again = alpha.get(DIRECTORY)
    assert (cache_state(first), cache_state(again)) == ("stored", "hit")
    assert again.get_data() == first.get_data()
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Set-Cookie" not in again.headers

    add_organisation(app)
    assert organisations_shown(alpha) == 2  # the write gave the territory a new data version


def test_a_write_in_another_process_is_seen_at_the_next_request(app, other_process):
    add_organisation(app)
    worker = TerritoryClient(other_process.test_client(), "alpha.test")
    assert organisations_shown(worker) == organisations_shown(worker) == 1
    add_organisation(app)
    assert organisations_shown(worker) == 2


def test_territories_and_addresses_never_share_a_page(app, alpha, beta, territory_client):
    for _ in range(2):
        add_organisation(app, "alpha")
    add_organisation(app, "beta")
    by_prefix = territory_client("alpha", prefix=True)
    for _ in range(2):
        assert organisations_shown(alpha) == 2
        assert organisations_shown(beta) == 1
        html = by_prefix.get(DIRECTORY).get_data(as_text=True)
        assert 'href="/t/alpha/organisations/' in html  # links of the address it was asked on


def test_query_strings_are_pages_of_their_own(app, alpha):
    add_organisation(app)
    alpha.get("/search?q=cache")
    other = alpha.get("/search?q=nothing-like-it")
    assert cache_state(other) == "stored"
    assert "Cache 1" not in other.get_data(as_text=True)
    assert cache_state(alpha.get("/search?q=cache")) == "hit"


def test_signed_in_people_neither_get_nor_leave_kept_pages(app, alpha, make_user):
    add_organisation(app)
    alpha.get(DIRECTORY)  # kept for visitors
    make_user(email="ada@example.org", display_name="Ada Lovelace")
    alpha.login("ada@example.org", "correct horse battery staple")
    for _ in range(2):
        response = alpha.get(DIRECTORY)
        assert cache_state(response) is None
        assert "Ada Lovelace" in response.get_data(as_text=True)
    alpha.logout()
    after = alpha.get(DIRECTORY)
    assert "Ada Lovelace" not in after.get_data(as_text=True)


def test_a_waiting_message_is_shown_not_a_kept_page(app, alpha, make_user):
    add_organisation(app)
    alpha.get("/")
    assert cache_state(alpha.get("/")) == "hit"
    make_user(email="ada@example.org")
    alpha.login("ada@example.org", "correct horse battery staple")
    alpha.logout()  # "You are signed out." waits in the session
    response = alpha.get("/")
    assert cache_state(response) is None
    assert 'class="flash flash-info"' in response.get_data(as_text=True)
    shown_once = alpha.get("/")  # signing in wrote to the database: a new version, a new page
    assert cache_state(shown_once) == "stored"
    assert 'class="flash' not in shown_once.get_data(as_text=True)


def test_pages_with_a_csrf_token_are_never_kept(app, alpha):
    add_organisation(app)
    for _ in range(2):
        response = alpha.get("/account/login")
        assert cache_state(response) is None
        assert 'name="csrf_token"' in response.get_data(as_text=True)


def test_each_language_has_its_own_page(app, alpha, territory_client):
    add_organisation(app)
    french = alpha.get(DIRECTORY).get_data(as_text=True)
    english_visitor = territory_client("alpha")
    chosen = english_visitor.get("/language?locale=en&next=/organisations/")
    assert chosen.status_code == 302
    english = [english_visitor.get(DIRECTORY) for _ in range(3)]
    assert all('<html lang="en">' in page.get_data(as_text=True) for page in english)
    # Flask-Login marks the new session not fresh at its first page: that one is not kept.
    assert cache_state(english[-1]) == "hit"
    assert alpha.get(DIRECTORY).get_data(as_text=True) == french
    assert '<html lang="fr">' in french
    by_browser = alpha.get(DIRECTORY, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in by_browser


def test_the_signed_out_language_form_sends_no_token(app, alpha):
    html = alpha.get("/").get_data(as_text=True)
    form = html[html.index('action="/language"') - 40:html.index('action="/language"') + 200]
    assert 'method="get"' in form
    assert "csrf_token" not in html


def test_choosing_a_language_by_link_never_changes_an_account(app, alpha, make_user, in_territory):
    from ptcc.accounts.models import User
    from ptcc.extensions import db

    make_user(email="ada@example.org", locale="fr")
    alpha.login("ada@example.org", "correct horse battery staple")
    alpha.get("/language?locale=en&next=/")
    with in_territory("alpha"):
        assert db.session.query(User).filter_by(email="ada@example.org").one().locale == "fr"
    alpha.submit("/language", {"locale": "en", "next": "/"})
    with in_territory("alpha"):
        assert db.session.query(User).filter_by(email="ada@example.org").one().locale == "en"


def test_a_page_older_than_its_lifetime_is_rendered_again(app, alpha, monkeypatch):
    add_organisation(app)
    clock = [1_000_000.0]
    monkeypatch.setattr(page_cache.time, "time", lambda: clock[0])
    alpha.get(DIRECTORY)
    clock[0] += app.config["PTCC_PAGE_CACHE_SECONDS"] - 1
    assert cache_state(alpha.get(DIRECTORY)) == "hit"
    clock[0] += 2
    assert cache_state(alpha.get(DIRECTORY)) == "stored"


def test_a_browser_with_the_page_gets_304(app, alpha):
    add_organisation(app)
    etag = alpha.get(DIRECTORY).headers["ETag"]
    response = alpha.get(DIRECTORY, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.get_data() == b""


def test_answers_that_are_not_complete_pages_are_not_kept(app, alpha):
    add_organisation(app)
    for path in ("/organisations/no-such-organisation", "/dashboard", "/missions/open-data/missions.csv"):
        for _ in range(2):
            assert cache_state(alpha.get(path)) is None, path


def test_a_disabled_plugin_is_refused_before_the_cache_answers(app, alpha, territory_plugins):
    add_organisation(app)
    territory_plugins("alpha", ["volunteering"])
    assert alpha.get("/missions/").status_code == 200
    assert cache_state(alpha.get("/missions/")) == "hit"
    territory_plugins("alpha", [])
    assert alpha.get("/missions/").status_code == 404


def test_no_lifetime_means_no_cache(app, alpha, monkeypatch):
    monkeypatch.setitem(app.config, "PTCC_PAGE_CACHE_SECONDS", 0)
    add_organisation(app)
    assert [cache_state(alpha.get(DIRECTORY)) for _ in range(2)] == [None, None]


def test_the_memory_kept_stays_within_its_budget():
    store = page_cache.LocalPages(max_bytes=10_000)
    for n in range(50):
        store.set(("alpha", n), page_cache.CachedPage(0.0, 200, [], b"x" * 1_000, str(n)))
    assert store.used <= 10_000
    assert len(store) == 10
    assert store.get(("alpha", 49)) is not None and store.get(("alpha", 0)) is None


@pytest.mark.parametrize("lost", [False, True], ids=["redis", "redis-down"])
def test_workers_share_pages_through_redis(app, ptcc_base_config, worker_id_suffix, lost):
    import redis

    from ptcc.app import create_app
    from tests.accounts.test_login_limits_redis import REDIS_URL

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    url = "redis://127.0.0.1:1/0" if lost else REDIS_URL
    # The limiter is one object for every application: its storage stays in memory.
    config = dict(ptcc_base_config, PTCC_REDIS_URL=url, PTCC_CACHE_PREFIX=f"ptcc_test{worker_id_suffix}:",
                  RATELIMIT_STORAGE_URI="memory://")
    workers = [create_app(config) for _ in range(2)]
    try:
        add_organisation(app)
        first, second = (TerritoryClient(w.test_client(), "alpha.test") for w in workers)
        stored = first.get(DIRECTORY)
        shared = second.get(DIRECTORY)
        assert stored.status_code == shared.status_code == 200
        if lost:  # a cache that cannot answer renders the page: nothing fails
            assert [cache_state(stored), cache_state(shared)] == ["stored", "stored"]
        else:
            assert cache_state(shared) == "hit"
            assert shared.get_data() == stored.get_data()
            # The second worker keeps a near copy of what it served: Redis emptied, still a hit.
            page_cache.pages(workers[1]).far.clear()
            assert cache_state(second.get(DIRECTORY)) == "hit"
            # Written by a process of the same configuration: with Redis, the data version is
            # mirrored there too (ptcc.version_mirror), and every writer withdraws it.
            add_organisation(workers[0])
            assert organisations_shown(second) == 2
    finally:
        page_cache.pages(workers[0]).clear()
        for worker in workers:
            worker.extensions["ptcc"].engines.dispose_all()
