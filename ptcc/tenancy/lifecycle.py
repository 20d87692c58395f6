"""A territory's life after its creation: disabled and enabled again, exported, deleted.

``ptcc tenant disable|enable|export|delete`` (``ptcc.cli_lifecycle``) are thin wrappers
around these functions. They run in the application context of a CLI process; running
servers notice a changed or removed ``tenant.toml`` by themselves (``TenantRegistry.refresh``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import tomli_w
from sqlalchemy.engine import make_url

from ptcc.tenancy.registry import Tenant, TenantRegistry

#: Folders of the instance folder that hold no territory's own files (or the exports themselves).
SHARED_INSTANCE_FOLDERS = {"databases", "exports", "mail"}
#: Seconds an export's pg_dump may take before the export is refused.
PG_DUMP_TIMEOUT = 3600


class LifecycleError(RuntimeError):
    """An export or a deletion that could not be done; the message says why."""


# --- disable / enable ---------------------------------------------------------------------


def set_disabled(registry: TenantRegistry, slug: str, disabled: bool) -> bool:
    """Write ``disabled = true`` into (or take it out of) the territory's tenant.toml;
    False when it already said so. The rest of the file, comments included, is kept."""
    tenant = registry.get(slug)
    if tenant is None:
        raise LifecycleError(f"unknown territory {slug!r}")
    if tenant.disabled == disabled:
        return False
    path = registry.root / slug / "tenant.toml"
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    edited = _with_disabled_line(text, disabled)
    expected = {**{k: v for k, v in data.items() if k != "disabled"}, **({"disabled": True} if disabled else {})}
    try:
        ok = tomllib.loads(edited) == expected
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:  # a layout the line edit does not understand: written again from its values
        edited = tomli_w.dumps(expected)
    _replace(path, edited)
    registry.reload()
    return True


_TOP_LEVEL_DISABLED = re.compile(r"^\s*disabled\s*=.*\n?", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^\s*\[", re.MULTILINE)


def _with_disabled_line(text: str, disabled: bool) -> str:
    header = _TABLE_HEADER.search(text)
    top, tables = (text[:header.start()], text[header.start():]) if header else (text, "")
    top = _TOP_LEVEL_DISABLED.sub("", top)
    if disabled:
        if top and not top.endswith("\n"):
            top += "\n"
        top += "# `ptcc tenant enable` serves this territory again.\ndisabled = true\n" + ("\n" if tables else "")
    else:
        top = top.replace("# `ptcc tenant enable` serves this territory again.\n", "")
    return top + tables


def _replace(path: Path, content: str) -> None:
    """Written aside, then renamed: a server reading the folder never sees half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


# --- export -------------------------------------------------------------------------------


@dataclass
class Export:
    path: Path
    size: int
    database_member: str
    database_bytes: int
    files: list[str] = field(default_factory=list)


def territory_file_folders(instance: Path, slug: str) -> list[Path]:
    """The territory's own folders under the instance folder (``uploads/<slug>``,
    ``datasets/<slug>``, and any a module adds the same way)."""
    if not instance.is_dir():
        return []
    return sorted(child / slug for child in instance.iterdir()
                  if child.is_dir() and child.name not in SHARED_INSTANCE_FOLDERS and (child / slug).is_dir())


def default_export_path(instance: Path, slug: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return instance / "exports" / f"{slug}-{stamp}.tar.gz"


def export_territory(tenant: Tenant, registry: TenantRegistry, engines, instance: Path,
                     output: Path | None = None, echo=lambda line: None) -> Export:
    """Write one archive holding everything of the territory: ``tenant.toml``, its database
    (a consistent SQLite copy, or ``pg_dump --format=custom``), its files under the instance
    folder and a ``manifest.json``. The archive is checked after it is written; on any failure
    nothing is left behind and ``LifecycleError`` says why."""
    target = Path(output) if output else default_export_path(instance, tenant.slug)
    if target.exists():
        raise LifecycleError(f"{target} already exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LifecycleError(f"cannot write into {target.parent}: {exc.strerror or exc}") from exc
    url = make_url(engines.url_for(tenant))
    with tempfile.TemporaryDirectory(prefix=f"ptcc-export-{tenant.slug}-") as work:
        work = Path(work)
        echo("database: copying…")
        member = _dump_database(url, work)
        database_bytes = (work / member).stat().st_size
        echo(f"database: {member}, {database_bytes:,} bytes")
        folders = territory_file_folders(instance, tenant.slug)
        files = [str(path.relative_to(instance)) for folder in folders for path in sorted(folder.rglob("*"))
                 if path.is_file()]
        echo(f"files: {len(files)} in {', '.join(str(f.relative_to(instance)) for f in folders) or 'no folder'}")
        manifest = {
            "format": "ptcc-territory-export/1",
            "slug": tenant.slug,
            "name": tenant.name,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "backend": url.get_backend_name(),
            "database": member,
            "alembic_revisions": _revisions(engines, tenant),
            "files": files,
        }
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(registry.root / tenant.slug / "tenant.toml", arcname="tenant.toml")
                archive.add(work / member, arcname=member)
                for folder in folders:
                    archive.add(folder, arcname=f"files/{folder.relative_to(instance)}")
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            _check_archive(partial, member, files)
            os.replace(partial, target)
        except (OSError, tarfile.TarError) as exc:
            raise LifecycleError(f"could not write {target}: {exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
    return Export(target, target.stat().st_size, member, database_bytes, files)


def _dump_database(url, work: Path) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or not Path(url.database).is_file():
            raise LifecycleError(f"no database file at {url.database}")
        member = "database.sqlite"
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(work / member)
        try:
            source.backup(copy)  # a consistent copy, even while a server writes
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            raise LifecycleError(f"could not copy the SQLite database: {exc}") from exc
        finally:
            copy.close()
            source.close()
        if check != "ok":
            raise LifecycleError(f"the copy of the SQLite database is damaged: {check}")
        return member
    if backend == "postgresql":
        member = "database.pgdump"
        tool = shutil.which("pg_dump")
        if tool is None:
            raise LifecycleError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
        env = {**os.environ, "PGPASSWORD": url.password or os.environ.get("PGPASSWORD", "")}
        libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
        try:
            done = subprocess.run([tool, "--format=custom", "--no-owner", f"--file={work / member}", f"--dbname={libpq}"],
                                  env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise LifecycleError(f"pg_dump took more than {PG_DUMP_TIMEOUT} s") from exc
        if done.returncode != 0:
            raise LifecycleError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}")
        return member
    raise LifecycleError(f"cannot export a {backend} database")


def _revisions(engines, tenant: Tenant) -> list[str]:
    try:
        with engines.get(tenant).connect() as conn:
            return sorted(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    except sa.exc.DBAPIError:
        return []


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _check_archive(path: Path, member: str, files: list[str]) -> None:
    """Read the archive back: every member there, the database not empty."""
    with tarfile.open(path, "r:gz") as archive:
        names = set(archive.getnames())
        for name in ("tenant.toml", "manifest.json", member, *(f"files/{f}" for f in files)):
            if name not in names:
                raise LifecycleError(f"the archive lacks {name}")
        if archive.getmember(member).size == 0:
            raise LifecycleError("the archive's database is empty")


# --- delete -------------------------------------------------------------------------------


def remove_files(instance: Path, slug: str) -> list[Path]:
    """Remove the territory's folders under the instance folder; returns them."""
    folders = territory_file_folders(instance, slug)
    for folder in folders:
        shutil.rmtree(folder)
    return folders


def remove_sqlite_leftovers(url: str) -> None:
    """Files beside a dropped SQLite database: write-ahead log, shared memory, the data
    version's mirror and its lock (``ptcc.version_mirror``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    database = Path(parsed.database)
    for leftover in database.parent.glob(f"{database.name}*"):  # a slug holds no dot: only its own
        leftover.unlink(missing_ok=True)


def remove_tenant_folder(registry: TenantRegistry, slug: str) -> Path:
    folder = registry.root / slug
    shutil.rmtree(folder)
    registry.reload()
    return folder
