import pytest
import sqlalchemy as sa

from ptcc.accounts.models import User
from ptcc.extensions import db
from ptcc.tenancy import NoTenantError, UnknownTenantError, current_tenant, tenant_context


def test_database_access_outside_a_territory_raises(app):
    with app.app_context():
        with pytest.raises(NoTenantError, match="No territory is selected"):
            db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_unknown_territory_is_refused(app):
    with pytest.raises(UnknownTenantError):
        with tenant_context("atlantis", app=app):
            pass


def test_same_email_lives_in_both_territories_separately(app, make_user):
    make_user(tenant="alpha", email="same@example.org", display_name="In Alpha")
    make_user(tenant="beta", email="same@example.org", display_name="In Beta")
    for slug, name in (("alpha", "In Alpha"), ("beta", "In Beta")):
        with tenant_context(slug, app=app):
            assert current_tenant.slug == slug
            users = db.session.scalars(sa.select(User)).all()
            assert [u.display_name for u in users] == [name]


def test_nested_contexts_switch_database_and_restore(app, make_user):
    make_user(tenant="alpha", display_name="Alice")
    with tenant_context("alpha", app=app):
        with tenant_context("beta", app=app):
            assert db.session.scalars(sa.select(User)).all() == []
        assert [u.display_name for u in db.session.scalars(sa.select(User))] == ["Alice"]


def test_engine_cache_is_bounded(app, territories):
    from ptcc.tenancy.engines import TenantEngines

    config = dict(app.config, PTCC_ENGINE_CACHE_SIZE=1)
    engines = TenantEngines(config)
    first = engines.get(territories["alpha"])
    engines.get(territories["beta"])
    assert engines.cached_slugs() == ["beta"]
    assert engines.get(territories["alpha"]) is not first
    engines.dispose_all()


def test_the_language_outside_a_request_is_the_territorys(app):
    """No request, no person: the territory's default language (e-mails from the CLI)."""
    from flask_babel import get_locale

    from ptcc.tenancy import tenant_context

    with tenant_context("alpha", app=app):
        assert str(get_locale()) == "fr"
