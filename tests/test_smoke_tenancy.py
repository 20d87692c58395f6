def test_territory_home_by_host(alpha, beta):
    assert "Territoire Alpha" in alpha.get("/").get_data(as_text=True)
    assert "Territoire Beta" in beta.get("/").get_data(as_text=True)


def test_unknown_host_is_404(client):
    assert client.get("/", base_url="http://nowhere.test").status_code == 404


def test_prefix(client):
    r = client.get("/t/alpha/", base_url="http://localhost")
    assert r.status_code == 200 and "Territoire Alpha" in r.get_data(as_text=True)
    assert client.get("/t/nope/", base_url="http://localhost").status_code == 404
    assert client.get("/t/beta/", base_url="http://alpha.test").status_code == 404
