"""Territory engines of one server share their compiled SQL: a territory opened for the first
time (or again after the engine cache evicted it) does not compile every statement anew."""

from __future__ import annotations


def test_engines_of_one_server_share_dialect_and_compiled_cache(app, alpha, beta, territories):
    engines = app.extensions["ptcc"].engines
    assert alpha.get("/organisations/").status_code == 200
    first, second = engines.get(territories["alpha"]), engines.get(territories["beta"])
    assert beta.get("/organisations/").status_code == 200
    # Whichever connected first provides them; an engine created afterwards takes them.
    engines.forget(territories["beta"])
    again = engines.get(territories["beta"])
    assert again.dialect is first.dialect and again._compiled_cache is first._compiled_cache
    assert second is not again
    # The same statement on beta's new engine finds alpha's compiled form.
    import sqlalchemy as sa

    from ptcc.accounts.models import User
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    statement = sa.select(User).where(User.email == "nobody@example.org", User.display_name != "shared-sql")
    with tenant_context("alpha", app=app):
        db.session.execute(statement).all()
    compiled = len(first._compiled_cache)
    engines.forget(territories["beta"])
    with tenant_context("beta", app=app):
        db.session.execute(statement).all()
    assert len(first._compiled_cache) == compiled


def test_a_shared_dialect_still_serves_each_territory_its_own_data(app, make_user, territories, alpha, beta):
    make_user(tenant="alpha", display_name="Only In Alpha")
    engines = app.extensions["ptcc"].engines
    engines.forget(territories["beta"])
    assert alpha.get("/").status_code == 200 and beta.get("/").status_code == 200
    assert engines.get(territories["beta"]).dialect is engines.get(territories["alpha"]).dialect
    import sqlalchemy as sa

    from ptcc.accounts.models import User
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    with tenant_context("beta", app=app):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    with tenant_context("alpha", app=app):
        assert db.session.scalar(sa.select(User.display_name)) == "Only In Alpha"
