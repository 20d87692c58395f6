import pytest

from ptcc.tenancy import RegistryError, Tenant, TenantRegistry


def write(root, slug, text):
    (root / slug).mkdir(parents=True)
    (root / slug / "tenant.toml").write_text(text, encoding="utf-8")


def test_reads_every_tenant_toml(tmp_path):
    write(tmp_path, "lyon", 'name = "Lyon Métropole"\nhosts = ["Lyon.localhost"]\n')
    write(tmp_path, "brest", 'name = "Brest"\nhosts = []\nlocales = ["fr"]\ndefault_locale = "fr"\n')
    registry = TenantRegistry(tmp_path)
    assert [t.slug for t in registry] == ["brest", "lyon"]
    assert registry.by_host("lyon.localhost").name == "Lyon Métropole"
    assert registry.get("brest").locales == ("fr",)
    assert registry.get("nope") is None


@pytest.mark.parametrize(
    "text, message",
    [
        ('hosts = ["a.test"]\n', "missing key 'name'"),
        ('name = "X"\nlocales = ["fr"]\ndefault_locale = "en"\n', "not offered"),
        ('name = "X"\nhosts = ["bad host"]\n', "invalid host"),
        ('name = "X\n', "tenant.toml"),
    ],
)
def test_malformed_tenant_is_refused_with_a_reason(tmp_path, text, message):
    write(tmp_path, "lyon", text)
    with pytest.raises(RegistryError, match=message):
        TenantRegistry(tmp_path)


def test_a_host_belongs_to_one_territory(tmp_path):
    write(tmp_path, "aaa", 'name = "A"\nhosts = ["same.test"]\n')
    write(tmp_path, "bbb", 'name = "B"\nhosts = ["same.test"]\n')
    with pytest.raises(RegistryError, match="claimed by both"):
        TenantRegistry(tmp_path)


def test_write_round_trips_and_refuses_taken_host(tmp_path):
    registry = TenantRegistry(tmp_path)
    registry.write(Tenant(slug="lyon", name="Lyon", hosts=("lyon.test",), plugins=("volunteering",)))
    assert registry.get("lyon").plugins == ("volunteering",)
    with pytest.raises(RegistryError, match="already belongs"):
        registry.write(Tenant(slug="other", name="Other", hosts=("lyon.test",)))
    with pytest.raises(RegistryError, match="invalid territory slug"):
        registry.write(Tenant(slug="Bad Slug", name="x"))
