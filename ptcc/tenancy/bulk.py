"""Many territories at once: ``ptcc tenant create --from-file``.

Two phases. ``plan`` checks every row of the file before anything is created: a row is
created, skipped (its slug exists) or refused with its reasons. ``BulkCreation`` then
creates the rows to create, each completely or not at all: its database first, then its
first administrator, then — last — its ``tenant.toml``. A row that fails on the way has
its database removed again, so it leaves nothing behind and the file can be run again.

What makes a thousand territories take a minute or two rather than a quarter of an hour:

- one process for the whole file (the application starts once, not per territory);
- the migrations run once, into a template database, which each new territory copies
  (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL) and whose version
  is then verified in the copy. A copy is what migrating would have made: ``env.py`` is
  handed a connection and nothing else, so no migration can write anything that depends
  on the territory;
- the registry is not read again after each ``tenant.toml``;
- what remains is mostly the scrypt hash of each administrator's placeholder password,
  CPU-bound: worker processes (``--jobs``, one more than the cores by default) share it out.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ptcc.tenancy.checks import TerritoryChecker, TerritoryRequest
from ptcc.tenancy.registry import Tenant
from ptcc.tenancy.reports import describe
from ptcc.tenancy.territory_file import FileEntry

CREATE, SKIP, INVALID = "create", "skip", "invalid"
#: Most worker processes by default: beyond this, the disk and the database server rather
#: than the CPU limit the rate.
MAX_DEFAULT_JOBS = 4
#: The template database's pseudo slug: a leading underscore, which no territory's slug
#: may have, keeps its database name apart from every territory's.
TEMPLATE_SLUG = "_bulk_template"


@dataclass(frozen=True)
class PlannedTerritory:
    where: str
    slug: str
    action: str
    request: TerritoryRequest | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    where: str
    slug: str
    created: bool
    #: What was done ("administrator … (set-password link queued)") or why it failed.
    detail: str


def default_jobs() -> int:
    """One worker more than the cores: each territory also waits for the disk (its commit
    and the checkpoint when its database closes), time another worker's hash can use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores + 1, MAX_DEFAULT_JOBS))


# --- phase 1: check every row --------------------------------------------------------


def plan(entries: list[FileEntry], checker: TerritoryChecker, engines) -> list[PlannedTerritory]:
    """What will happen to each row of the file; creates nothing."""
    existing = ExistingDatabases(engines)
    planned = []
    for entry in entries:
        if entry.request is None:
            planned.append(PlannedTerritory(entry.where, "", INVALID, problems=(entry.error,)))
            continue
        request = entry.request
        if checker.exists(request):
            planned.append(PlannedTerritory(entry.where, request.slug, SKIP, request))
            continue
        problems = checker.problems(request, admin_required=False)
        if not problems:
            found = existing.problem(request.tenant())
            problems = [found] if found else []
        action = INVALID if problems else CREATE
        planned.append(PlannedTerritory(entry.where, request.slug, action, request, tuple(problems)))
    existing.close()
    return planned


class ExistingDatabases:
    """Refuses a new territory whose database is already there: created by hand, or by
    another installation sharing the server, it is not ours to fill or to remove."""

    def __init__(self, engines):
        self.engines = engines
        #: Per PostgreSQL server: its database names, or why it could not be asked.
        self._servers: dict[str, set[str] | str] = {}

    def problem(self, tenant: Tenant) -> str | None:
        url = make_url(self.engines.url_for(tenant))
        backend = url.get_backend_name()
        if backend == "sqlite":
            if url.database and Path(url.database).exists():
                return f"a database already exists at {url.database}"
            return None
        if backend == "postgresql":
            names = self._names_on(url)
            if isinstance(names, str):
                return names
            return f"database {url.database!r} already exists" if url.database in names else None
        from sqlalchemy_utils import database_exists

        return f"database {url.database!r} already exists" if database_exists(url) else None

    def _names_on(self, url) -> set[str] | str:
        server = url.set(database="postgres")
        key = server.render_as_string(hide_password=False)
        if key not in self._servers:
            engine = sa.create_engine(server, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})
            try:
                with engine.connect() as conn:
                    self._servers[key] = set(conn.scalars(sa.text("SELECT datname FROM pg_database")))
            except sa.exc.DBAPIError as exc:
                self._servers[key] = f"database server unreachable: {describe(exc)}"
            finally:
                engine.dispose()
        return self._servers[key]

    def close(self) -> None:
        self._servers.clear()


# --- phase 2: create -----------------------------------------------------------------


class SQLiteTemplate:
    """One migrated SQLite file, copied byte for byte into each new territory's."""

    def __init__(self, migrator, engines):
        self.migrator = migrator
        self.engines = engines
        self.folder = Path(tempfile.mkdtemp(prefix=".bulk-template-", dir=engines.instance_path))
        self.content = b""

    def prepare(self) -> None:
        path = self.folder / "template.db"
        template = Tenant(slug=TEMPLATE_SLUG, name="template", database_url=f"sqlite:///{path}")
        self.migrator.upgrade(template)
        # Closing the last connection checkpoints the write-ahead log into the file, so
        # the file alone is the whole database.
        self.engines.forget(template)
        if Path(f"{path}-wal").exists():
            raise RuntimeError(f"{path}: the write-ahead log outlived the connection")
        self.content = path.read_bytes()

    def make(self, tenant: Tenant) -> None:
        path = Path(make_url(self.engines.url_for(tenant)).database)
        with path.open("xb") as copy:  # never over a database that appeared meanwhile
            copy.write(self.content)

    def discard(self, tenant: Tenant) -> None:
        self.engines.forget(tenant)
        path = make_url(self.engines.url_for(tenant)).database
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresTemplate:
    """One migrated PostgreSQL database that each new territory's is created from."""

    def __init__(self, migrator, engines):
        self.migrator = migrator
        self.engines = engines
        self.template = Tenant(slug=f"{TEMPLATE_SLUG}_{os.getpid()}", name="template")
        self.name = make_url(engines.url_for(self.template)).database
        self._admin: tuple[int, sa.Engine] | None = None

    def prepare(self) -> None:
        self.engines.drop_database(self.template)  # left by a killed run with this pid
        self.migrator.upgrade(self.template)
        # CREATE DATABASE … TEMPLATE refuses a template anybody is connected to.
        self.engines.forget(self.template)

    def _server(self) -> sa.Engine:
        """An engine on the server's maintenance database, one per process: a worker
        never uses a connection opened before it was forked."""
        if self._admin is None or self._admin[0] != os.getpid():
            url = make_url(self.engines.url_for(self.template)).set(database="postgres")
            self._admin = (os.getpid(), sa.create_engine(url, isolation_level="AUTOCOMMIT",
                                                         poolclass=sa.pool.NullPool))
        return self._admin[1]

    def make(self, tenant: Tenant) -> None:
        name = make_url(self.engines.url_for(tenant)).database
        with self._server().connect() as conn:
            preparer = conn.dialect.identifier_preparer
            conn.exec_driver_sql(f"CREATE DATABASE {preparer.quote(name)} TEMPLATE {preparer.quote(self.name)}")

    def discard(self, tenant: Tenant) -> None:
        self.engines.drop_database(tenant)

    def close(self) -> None:
        try:
            self.engines.drop_database(self.template)
        finally:
            if self._admin is not None and self._admin[0] == os.getpid():
                self._admin[1].dispose()


class MigrateEach:
    """A territory with its own database URL: created and migrated where it is."""

    def __init__(self, migrator, engines):
        self.migrator = migrator
        self.engines = engines

    def prepare(self) -> None:
        pass

    def make(self, tenant: Tenant) -> None:
        self.migrator.upgrade(tenant)

    def discard(self, tenant: Tenant) -> None:
        self.engines.drop_database(tenant)

    def close(self) -> None:
        pass


@dataclass
class _Makers:
    """The database makers the rows need, prepared in the parent before any worker forks."""

    migrator: object
    engines: object
    made: dict[str, object] = field(default_factory=dict)

    def kind_for(self, tenant: Tenant) -> str:
        if tenant.database_url:
            return "each"
        backend = make_url(self.engines.url_for(tenant)).get_backend_name()
        return {"sqlite": "sqlite", "postgresql": "postgresql"}.get(backend, "each")

    def prepare(self, tenants: list[Tenant]) -> None:
        classes = {"sqlite": SQLiteTemplate, "postgresql": PostgresTemplate, "each": MigrateEach}
        for kind in dict.fromkeys(self.kind_for(t) for t in tenants):
            maker = classes[kind](self.migrator, self.engines)
            self.made[kind] = maker
            maker.prepare()

    def for_tenant(self, tenant: Tenant):
        return self.made[self.kind_for(tenant)]

    def close(self) -> None:
        for maker in self.made.values():
            maker.close()


class BulkCreation:
    """Creates the planned rows; ``run`` yields one ``Outcome`` per row, in file order."""

    def __init__(self, app, planned: list[PlannedTerritory], jobs: int = 1):
        from ptcc.migrate import Migrator

        self.app = app
        self.state = app.extensions["ptcc"]
        self.requests = [p.request for p in planned if p.action == CREATE]
        self._by_slug = {r.slug: r for r in self.requests}
        if "fork" not in multiprocessing.get_all_start_methods():
            jobs = 1  # workers must share the application this process built
        self.jobs = max(1, min(jobs, len(self.requests)))
        self.migrator = Migrator()
        self.heads = self.migrator.heads()
        self.makers = _Makers(self.migrator, self.state.engines)

    def prepare(self) -> None:
        """Migrate the template databases the rows need; raises when one cannot be."""
        try:
            self.makers.prepare([r.tenant() for r in self.requests])
        except BaseException:
            self.makers.close()
            raise

    def run(self) -> Iterator[Outcome]:
        """After ``prepare``: create each row, and remove the templates at the end."""
        finished: set[str] = set()
        try:
            for outcome in self._outcomes():
                finished.add(outcome.slug)
                yield self._record(outcome)
        finally:
            # Interrupted (Ctrl-C, a worker killed): a row that was started and did not
            # come back may have left a database without tenant.toml.
            for request in self.requests:
                if request.slug not in finished:
                    self._discard(request.tenant())
            self.makers.close()

    def _outcomes(self) -> Iterator[Outcome]:
        if self.jobs == 1:
            for request in self.requests:
                yield self.create_one(request)
            return
        # Workers are forked from this process, so they share the application already
        # built; no connection may be open across the fork (SQLite and libpq forbid it).
        self.state.engines.dispose_all()
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_start_worker,
                                 initargs=(self,)) as pool:
            futures: list[Future] = [pool.submit(_create_in_worker, request) for request in self.requests]
            try:
                for future in futures:
                    yield future.result()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    def create_one(self, request: TerritoryRequest) -> Outcome:
        """Database, administrator; on any failure, the database is removed again."""
        from ptcc.accounts.bootstrap import create_first_admin
        from ptcc.extensions import db
        from ptcc.migrate import current_revisions
        from ptcc.tenancy.context import tenant_context

        tenant = request.tenant()
        maker = self.makers.for_tenant(tenant)
        try:
            with self.app.app_context():
                maker.make(tenant)
                found = frozenset(current_revisions(tenant))
                if found != self.heads:
                    raise RuntimeError(f"database at {', '.join(sorted(found)) or 'base'}, "
                                       f"expected {', '.join(sorted(self.heads))}")
                detail = "no administrator"
                if request.admin_email:
                    with tenant_context(tenant, app=self.app):
                        create_first_admin(request.admin_email, request.admin_display_name(), None)
                        db.session.commit()
                        if self.app.config["PTCC_OUTBOX_INLINE"]:
                            from ptcc.outbox.services import drain

                            drain()
                    detail = f"administrator {request.admin_email} (set-password link queued)"
                self.state.engines.forget(tenant)
        except Exception as exc:
            reason = describe(exc)
            try:
                with self.app.app_context():
                    maker.discard(tenant)
            except Exception as cleanup:
                reason += f"; removing its database failed too: {describe(cleanup)}"
            return Outcome(request.where, request.slug, False, reason)
        return Outcome(request.where, request.slug, True, detail)

    def _record(self, outcome: Outcome) -> Outcome:
        """In the parent, for a created database: the territory's tenant.toml, last."""
        if not outcome.created:
            return outcome
        request = self._by_slug[outcome.slug]
        try:
            self.state.registry.write(request.tenant(), reload=False)
        except Exception as exc:
            self._discard(request.tenant())
            return Outcome(outcome.where, outcome.slug, False, f"writing tenant.toml: {describe(exc)}")
        return outcome

    def _discard(self, tenant: Tenant) -> None:
        try:
            with self.app.app_context():
                self.makers.for_tenant(tenant).discard(tenant)
        except Exception:  # the makers were not prepared, or the server is gone: nothing to do
            pass


#: In a worker process: the BulkCreation it was forked from.
_worker_creation: BulkCreation | None = None


def _start_worker(creation: BulkCreation) -> None:
    global _worker_creation
    _worker_creation = creation


def _create_in_worker(request: TerritoryRequest) -> Outcome:
    return _worker_creation.create_one(request)
