"""Fixtures for PTCC and its plugins: real databases (SQLite and PostgreSQL), two territories.

Each test starts with empty tables: after the test, every table of both
territories is emptied (the schema, migrated once per session, stays).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

TERRITORIES = {
    "alpha": {"name": "Territoire Alpha", "hosts": ["alpha.test"]},
    "beta": {"name": "Territoire Beta", "hosts": ["beta.test"]},
}
PG_ADMIN_URL = os.environ.get("PTCC_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

# Every PostgreSQL test database carries the tag of the run that made it, so that two runs on
# one server (or a run and a crashed run's leftovers) never share a database:
#   ptcc_test{PTCC_TEST_DB_SUFFIX}_r{pid}h{host}{random}{_gwN}_{tenant}
# pid is the pytest process that started the run (the xdist controller, passed to its
# workers), host three characters of this machine's name, random two more characters.
# The pid and host say whether a leftover's run is over (see drop_stale_databases). The
# longest prefix (ptcc_clitest_hostile_r4194304hxxxxx_gw10_) leaves 22 characters of the
# 63 PostgreSQL allows for the territory's slug.
_RUN_TAG = pytest.StashKey[str]()
_STALE_DROPPED = pytest.StashKey[int]()
RUN_TAG_RE = re.compile(r"_r(?P<pid>\d+)h(?P<host>[0-9a-z]{3})[0-9a-z]{2}(?:_gw\d+)?_")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int, width: int) -> str:
    return "".join(_BASE36[number // 36 ** i % 36] for i in reversed(range(width)))


def host_tag() -> str:
    return _base36(int(hashlib.sha1(socket.gethostname().encode()).hexdigest(), 16), 3)


def new_run_tag() -> str:
    return f"r{os.getpid()}h{host_tag()}{_base36(secrets.randbelow(36 ** 2), 2)}"


def run_tag(config) -> str:
    """This run's tag: the same in the xdist controller and every one of its workers."""
    return config.stash[_RUN_TAG]


def pytest_configure(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and "ptcc_run_tag" in workerinput:
        config.stash[_RUN_TAG] = workerinput["ptcc_run_tag"]
    else:
        config.stash[_RUN_TAG] = new_run_tag()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controller: hand the run's tag to each worker it starts."""
    node.workerinput["ptcc_run_tag"] = run_tag(node.config)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def drop_stale_databases() -> list[str]:
    """Drop the test databases left by runs that were killed before their clean-up.

    Only databases tagged with this machine's host tag and a pid that is no longer alive
    here; a plain DROP DATABASE (not FORCE) refuses any that someone is still connected to.
    A reused pid keeps its leftovers until that process is gone: the safe direction.
    """
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    dropped = []
    try:
        with engine.connect() as conn:
            names = conn.scalars(sa.text("select datname from pg_database where datname like 'ptcc%'")).all()
            for name in names:
                match = RUN_TAG_RE.search(name)
                if (not re.fullmatch(r"[a-z0-9_]+", name) or not match or match["host"] != host_tag()
                        or _process_alive(int(match["pid"]))):
                    continue
                try:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                    dropped.append(name)
                except sa.exc.DBAPIError:  # in use after all, or another run's sweep got there first
                    conn.rollback()
    finally:
        engine.dispose()
    return dropped


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Once per run (not in xdist workers), when the run uses PostgreSQL: sweep leftovers."""
    config = session.config
    if hasattr(config, "workerinput") or "postgresql" not in config.getoption("--ptcc-backends"):
        return
    if postgres_available() is None:
        try:
            config.stash[_STALE_DROPPED] = len(drop_stale_databases())
        except sa.exc.SQLAlchemyError:  # never fail a run over housekeeping
            pass


def pytest_report_header(config):
    line = f"ptcc: PostgreSQL test databases tagged _{run_tag(config)}"
    if config.stash.get(_STALE_DROPPED, 0):
        line += f"; dropped {config.stash[_STALE_DROPPED]} left by killed runs"
    return line


def pytest_addoption(parser):
    group = parser.getgroup("ptcc")
    group.addoption("--ptcc-backends", default=os.environ.get("PTCC_TEST_BACKENDS", "sqlite,postgresql"),
                    help="Comma-separated database backends to run the suite on.")


def pytest_generate_tests(metafunc):
    if "ptcc_backend" in metafunc.fixturenames:
        backends = [b.strip() for b in metafunc.config.getoption("--ptcc-backends").split(",") if b.strip()]
        metafunc.parametrize("ptcc_backend", backends, scope="session")


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "not here"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"


def _write_territories(root: Path, plugins: dict[str, list[str]] | None = None) -> None:
    import tomli_w

    for slug, data in TERRITORIES.items():
        folder = root / slug
        folder.mkdir(parents=True, exist_ok=True)
        content = {"name": data["name"], "hosts": data["hosts"], "default_locale": "fr",
                   "locales": ["fr", "en"], "timezone": "Europe/Paris",
                   "plugins": (plugins or {}).get(slug, [])}
        (folder / "tenant.toml").write_text(tomli_w.dumps(content))


def discovered_plugins(plugins_path: str | None = None) -> list[str]:
    """Names of the optional plugins an application would find: installed entry points and
    the packages under ``PTCC_PLUGINS_PATH`` (default ``plugins``)."""
    from ptcc.plugins.manager import PluginManager

    manager = PluginManager()
    manager.load_core()
    manager.discover(plugins_path or os.environ.get("PTCC_PLUGINS_PATH", "plugins"))
    return sorted(info.name for info in manager.optional())


@pytest.fixture(scope="session")
def ptcc_enabled_plugins():
    """Which plugins each test territory enables (their tenant.toml ``plugins``).

    By default every discovered optional plugin, in both territories, so that the
    isolation suite covers every plugin route. Override in a ``conftest.py``::

        @pytest.fixture(scope="session")
        def ptcc_enabled_plugins():
            return {"alpha": ["volunteering"], "beta": []}

    A single test disables or enables plugins with ``territory_plugins``.
    """
    names = discovered_plugins()
    return {slug: list(names) for slug in TERRITORIES}


@pytest.fixture(scope="session")
def ptcc_base_config(ptcc_backend, tmp_path_factory, ptcc_enabled_plugins, worker_id_suffix):
    root = tmp_path_factory.mktemp(f"ptcc-{ptcc_backend}")
    tenants, instance = root / "tenants", root / "instance"
    _write_territories(tenants, ptcc_enabled_plugins)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-shared-by-both-territories",
        "PTCC_TENANTS_PATH": str(tenants),
        "PTCC_INSTANCE_PATH": str(instance),
        "PTCC_MAIL_BACKEND": "file",
        # Territory hosts are served on the platform URL's port: none, as behind a proxy.
        "PTCC_PLATFORM_URL": "http://localhost",
        "PTCC_OUTBOX_INLINE": False,
        "PTCC_LOGIN_LIMIT_PER_IP": "1000 per minute",
        "PTCC_LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        # Not from the environment: a developer's PTCC_DATABASE_URL or PTCC_REDIS_URL would
        # have the tests drop their databases or reset the limits of whoever shares that Redis.
        "PTCC_DATABASE_URL": "",
        "PTCC_REDIS_URL": "",
    }
    if ptcc_backend == "postgresql":
        reason = postgres_available()
        if reason:
            if os.environ.get("PTCC_REQUIRE_POSTGRES") == "1":
                pytest.fail(f"{reason} (PTCC_REQUIRE_POSTGRES=1 makes this mandatory)")
            pytest.skip(reason)
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        config["PTCC_DATABASE_URL"] = f"{base}/ptcc_test{worker_id_suffix}_{{tenant}}"
    return config


@pytest.fixture(scope="session")
def worker_id_suffix(request):
    """What keeps this process's PostgreSQL test databases (and Redis keys) apart from every
    other's: ``PTCC_TEST_DB_SUFFIX`` (kept for people who name their runs), the run's tag,
    and the xdist worker."""
    worker = getattr(request.config, "workerinput", {}).get("workerid", "")
    return (os.environ.get("PTCC_TEST_DB_SUFFIX", "") + f"_{run_tag(request.config)}"
            + (f"_{worker}" if worker else ""))


@pytest.fixture(scope="session")
def _ptcc_session_app(ptcc_base_config):
    from ptcc import migrate
    from ptcc.app import create_app

    app = create_app(ptcc_base_config)
    with app.app_context():
        for tenant in app.extensions["ptcc"].registry:
            drop_test_database(app.extensions["ptcc"].engines, tenant)
            if os.environ.get("PTCC_TEST_SCHEMA") == "create_all":
                # Development shortcut while a model has no migration yet; CI always migrates.
                from ptcc.extensions import db

                from alembic import command

                migrate.import_all_models()
                app.extensions["ptcc"].engines.ensure_database(tenant)
                engine = app.extensions["ptcc"].engines.get(tenant)
                db.metadata.create_all(engine)
                # Stamped, so that plugins' tables count as migrated (ptcc.plugins.readiness).
                with engine.begin() as conn:
                    command.stamp(migrate.alembic_config(conn), "heads")
            else:
                migrate.upgrade(tenant)
    yield app
    with app.app_context():
        engines = app.extensions["ptcc"].engines
        for tenant in app.extensions["ptcc"].registry:
            if ptcc_base_config.get("PTCC_DATABASE_URL"):
                drop_test_database(engines, tenant)
        engines.dispose_all()


def drop_test_database(engines, tenant) -> None:
    """Drop a test territory's database. On PostgreSQL its name is this run's and this
    worker's alone (``worker_id_suffix``), so a connection still open to it is one that a
    test left behind (a second application it never disposed): closed first, or PostgreSQL
    would refuse the DROP and the session would end (or start) with an error."""
    url = sa.engine.make_url(engines.url_for(tenant))
    if url.get_backend_name() == "postgresql":
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text("select pg_terminate_backend(pid) from pg_stat_activity "
                                     "where datname = :name and pid <> pg_backend_pid()"), {"name": url.database})
        finally:
            admin.dispose()
    engines.drop_database(tenant)


def empty_all_tables(app) -> None:
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    for tenant in list(app.extensions["ptcc"].registry):
        with tenant_context(tenant, app=app):
            engine = app.extensions["ptcc"].engines.get(tenant)
            with engine.begin() as conn:
                tables = [t for t in reversed(db.metadata.sorted_tables) if sa.inspect(conn).has_table(t.name)]
                if conn.dialect.name == "postgresql" and tables:
                    names = ", ".join(f'"{t.name}"' for t in tables)
                    conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        conn.execute(table.delete())
            app.extensions["ptcc"].engines.forget_version_mirror(tenant)


@pytest.fixture
def app(_ptcc_session_app):
    from ptcc.extensions import limiter

    from ptcc.web.page_cache import pages

    yield _ptcc_session_app
    empty_all_tables(_ptcc_session_app)
    limiter.reset()
    pages(_ptcc_session_app).clear()
    shutil.rmtree(Path(_ptcc_session_app.config["PTCC_INSTANCE_PATH"]) / "datasets", ignore_errors=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def territories(app):
    """The two-territory registry: {"alpha": Tenant, "beta": Tenant}."""
    registry = app.extensions["ptcc"].registry
    return {slug: registry.get(slug) for slug in TERRITORIES}


@pytest.fixture
def territory_client(app):
    """``territory_client("alpha")``: a client on alpha's host; ``prefix=True`` uses /t/alpha."""
    from ptcc.testing.clients import TerritoryClient

    def make(slug: str = "alpha", prefix: bool = False, flask_client=None):
        flask_client = flask_client or app.test_client()
        if prefix:
            return TerritoryClient(flask_client, "localhost", f"/t/{slug}")
        return TerritoryClient(flask_client, TERRITORIES[slug]["hosts"][0])

    return make


@pytest.fixture
def alpha(territory_client):
    return territory_client("alpha")


@pytest.fixture
def beta(territory_client):
    return territory_client("beta")


@pytest.fixture
def make_user(app):
    from ptcc.testing.factories import make_user_factory

    return make_user_factory(app)


@pytest.fixture
def outbox(app):
    """``outbox("alpha")``: the territory's e-mails as dicts, oldest first (deferred messages
    composed; those that compose into nothing, such as a reset for an unknown address, left out)."""
    from ptcc.extensions import db
    from ptcc.outbox.models import OutboxMessage
    from ptcc.tenancy import tenant_context

    from ptcc.outbox.services import compose_pending

    def read(slug: str = "alpha"):
        with tenant_context(slug, app=app):
            compose_pending()  # deferred messages, as the worker will send them
            db.session.commit()
            rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.body != "")
                                      .order_by(OutboxMessage.id)).all()
            return [{"recipient": m.recipient, "subject": m.subject, "body": m.body,
                     "sent_at": m.sent_at, "attempts": m.attempts, "id": m.id} for m in rows]

    return read


@pytest.fixture
def territory_plugins(app):
    """``territory_plugins("beta", [])``: the optional plugins a territory enables during this
    test, stored in its settings row as the administration page does (emptied after the test)."""
    from ptcc.tenancy.models import TerritorySettings
    from ptcc.extensions import db
    from ptcc.tenancy import tenant_context

    def choose(slug: str, names) -> None:
        with tenant_context(slug, app=app):
            row = db.session.get(TerritorySettings, 1)
            if row is None:
                row = TerritorySettings(id=1, name="", presentation="", locales=[], default_locale="",
                                        timezone="", primary_color="", accent_color="", logo_filename="")
                db.session.add(row)
            row.plugins = sorted(names)
            db.session.commit()

    return choose


@pytest.fixture
def in_territory(app):
    """``with in_territory("alpha"): ...`` runs a block inside that territory."""
    from ptcc.tenancy import tenant_context

    def enter(slug: str = "alpha"):
        return tenant_context(slug, app=app)

    return enter

from ptcc.testing.races import race  # noqa: E402,F401  (the ``race`` fixture: requests sent at once)
