import pytest


@pytest.mark.parametrize(
    "host, path, expected",
    [
        ("alpha.test", "/", 200),
        ("ALPHA.test:8000", "/", 200),
        ("beta.test", "/", 200),
        ("unknown.test", "/", 404),
        ("localhost", "/t/alpha/", 200),
        ("localhost:5000", "/t/beta/", 200),
        ("localhost", "/t/atlantis/", 404),
        ("alpha.test", "/t/beta/", 404),  # a territory's host never serves another territory
        ("localhost", "/account/login", 404),  # no territory, no territory pages
    ],
)
def test_requests_resolve_to_one_territory_or_404(client, host, path, expected):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == expected


def test_each_territory_shows_its_own_name(client):
    alpha = client.get("/", headers={"Host": "alpha.test"}).get_data(as_text=True)
    beta = client.get("/t/beta/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "Territoire Alpha" in alpha and "Territoire Beta" not in alpha
    assert "Territoire Beta" in beta and "Territoire Alpha" not in beta


def test_platform_root_lists_territories(client):
    body = client.get("/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "Territoire Alpha" in body and "Territoire Beta" in body
    assert 'href="/t/alpha/"' in body


def test_prefixed_links_keep_the_prefix(client):
    body = client.get("/t/alpha/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert 'href="/t/alpha/theme.css?v=' in body


def test_session_cookie_is_scoped_to_the_prefix(territory_client):
    alpha = territory_client("alpha", prefix=True)
    response = alpha.submit("/language", {"locale": "en", "next": "/"})
    assert "Path=/t/alpha/" in response.headers["Set-Cookie"]
