"""The registry of territories: one ``tenant.toml`` per folder under PTCC_TENANTS_PATH.

A running server notices a territory created, edited, disabled or removed by the CLI without
a restart (``TenantRegistry.refresh``): each process looks at the folder's files at most once
every ``PTCC_TENANTS_RECHECK_SECONDS`` and reads them again only when one of them changed.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import tomli_w

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")


class RegistryError(ValueError):
    """A tenant.toml is missing, malformed or contradicts another one."""


@dataclass(frozen=True)
class Tenant:
    slug: str
    name: str
    hosts: tuple[str, ...] = ()
    default_locale: str = "fr"
    locales: tuple[str, ...] = ("fr", "en")
    timezone: str = "Europe/Paris"
    #: Plugins enabled when the territory's own settings have not chosen yet.
    plugins: tuple[str, ...] = ()
    #: Overrides PTCC_DATABASE_URL for this territory only.
    database_url: str = ""
    theme: dict = field(default_factory=dict)
    #: The ``[communes]`` table: ``epci`` (SIRENs) and ``departements`` whose communes
    #: ``ptcc communes import`` brings into the territory (``ptcc.communes.source``).
    communes: dict = field(default_factory=dict)
    #: ``ptcc tenant disable``: every page answers 503 "temporarily unavailable", nothing of
    #: the territory is read, until ``ptcc tenant enable``.
    disabled: bool = False

    def to_toml(self) -> dict:
        data = {
            "name": self.name,
            "hosts": list(self.hosts),
            "default_locale": self.default_locale,
            "locales": list(self.locales),
            "timezone": self.timezone,
            "plugins": list(self.plugins),
        }
        if self.database_url:
            data["database_url"] = self.database_url
        if self.disabled:
            data["disabled"] = True
        if self.theme:
            data["theme"] = dict(self.theme)
        if self.communes:
            data["communes"] = {key: list(value) for key, value in self.communes.items()}
        return data


def validate_slug(slug: str) -> str:
    if not SLUG_RE.match(slug or ""):
        raise RegistryError(
            f"invalid territory slug {slug!r}: 2 to 40 lowercase letters, digits or dashes, "
            "starting with a letter"
        )
    return slug


def _tenant_from_toml(slug: str, data: dict) -> Tenant:
    try:
        hosts = tuple(h.lower() for h in data.get("hosts", []))
        for host in hosts:
            if not HOST_RE.match(host):
                raise RegistryError(f"{slug}: invalid host name {host!r}")
        locales = tuple(data.get("locales", ["fr", "en"]))
        default_locale = data.get("default_locale", locales[0] if locales else "fr")
        if default_locale not in locales:
            raise RegistryError(f"{slug}: default_locale {default_locale!r} is not offered")
        disabled = data.get("disabled", False)
        if not isinstance(disabled, bool):
            raise RegistryError(f"{slug}: disabled must be true or false, not {disabled!r}")
        return Tenant(
            slug=slug,
            name=str(data["name"]),
            hosts=hosts,
            default_locale=default_locale,
            locales=locales,
            timezone=str(data.get("timezone", "Europe/Paris")),
            plugins=tuple(data.get("plugins", [])),
            database_url=str(data.get("database_url", "")),
            theme=dict(data.get("theme", {})),
            communes=_communes_table(slug, data.get("communes")),
            disabled=disabled,
        )
    except KeyError as exc:
        raise RegistryError(f"{slug}: missing key {exc.args[0]!r} in tenant.toml") from exc


def _communes_table(slug: str, table) -> dict:
    from ptcc.communes.source import parse_areas

    try:
        areas = parse_areas(table, f"{slug}/tenant.toml")
    except ValueError as exc:
        raise RegistryError(str(exc)) from exc
    return {key: list(value) for key, value in (("epci", areas.epci), ("departements", areas.departements))
            if value}


class TenantRegistry:
    """The territories of the tenants folder, as last read.

    ``recheck_seconds``: how often ``refresh`` may look at the folder again (None: never, the
    registry then changes only through ``reload`` and ``write``).
    """

    def __init__(self, root: Path | str, recheck_seconds: float | None = None):
        self.root = Path(root)
        self._tenants: dict[str, Tenant] = {}
        self._by_host: dict[str, Tenant] = {}
        self.recheck_seconds = recheck_seconds
        #: Called with the territories that a refresh removed or changed (their former
        #: description), so that what was kept for them (engines) is let go of.
        self.listeners: list = []
        self._seen: tuple = ()
        self._next_check = 0.0
        self._refreshing = threading.Lock()
        self.reload()

    def files_signature(self) -> tuple:
        """What changes when a ``tenant.toml`` appears, is replaced or goes: (folder, inode,
        mtime, size) of each. One ``scandir`` and a ``stat`` per territory; nothing is read."""
        found = []
        try:
            entries = os.scandir(self.root)
        except OSError:
            return ()
        with entries:
            for entry in entries:
                try:
                    st = os.stat(os.path.join(entry.path, "tenant.toml"))
                except OSError:  # not a folder, or no tenant.toml (yet)
                    continue
                found.append((entry.name, st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(sorted(found))

    def refresh(self) -> bool:
        """Read the folder again if ``recheck_seconds`` have passed since the last look and a
        file changed; True when the registry changed. At most one look per interval and
        process, whatever the requests (a flood of unknown hosts scans no more often); a
        thread that finds another one looking goes on with the registry as it is. A file that
        does not read keeps the registry as it was (logged once per change)."""
        if self.recheck_seconds is None or time.monotonic() < self._next_check:
            return False
        if not self._refreshing.acquire(blocking=False):
            return False
        try:
            self._next_check = time.monotonic() + self.recheck_seconds
            signature = self.files_signature()
            if signature == self._seen:
                return False
            before = self._tenants
            try:
                self.reload()
            except (RegistryError, OSError) as exc:
                self._seen = signature
                log.error("tenants folder %s not reloaded, the territories stay as they were: %s", self.root, exc)
                return False
            changed = [tenant for slug, tenant in before.items() if self._tenants.get(slug) != tenant]
            for listener in self.listeners:
                listener(changed)
            return True
        finally:
            self._refreshing.release()

    def reload(self) -> None:
        # Taken before reading: a file replaced while the others are read is seen next time.
        signature = self.files_signature()
        tenants: dict[str, Tenant] = {}
        by_host: dict[str, Tenant] = {}
        if self.root.is_dir():
            for toml_path in sorted(self.root.glob("*/tenant.toml")):
                slug = validate_slug(toml_path.parent.name)
                try:
                    data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
                except tomllib.TOMLDecodeError as exc:
                    raise RegistryError(f"{toml_path}: {exc}") from exc
                tenant = _tenant_from_toml(slug, data)
                for host in tenant.hosts:
                    if host in by_host:
                        raise RegistryError(
                            f"host {host!r} is claimed by both {by_host[host].slug} and {slug}"
                        )
                    by_host[host] = tenant
                tenants[slug] = tenant
        self._tenants, self._by_host, self._seen = tenants, by_host, signature

    def __iter__(self) -> Iterator[Tenant]:
        return iter(self._tenants.values())

    def __len__(self) -> int:
        return len(self._tenants)

    def __contains__(self, slug: str) -> bool:
        return slug in self._tenants

    def get(self, slug: str) -> Tenant | None:
        return self._tenants.get(slug)

    def by_host(self, host: str) -> Tenant | None:
        return self._by_host.get(host.lower())

    def hosts(self) -> list[str]:
        return list(self._by_host)

    def write(self, tenant: Tenant, *, reload: bool = True) -> Path:
        """Write a territory's tenant.toml (used by ``ptcc tenant create``).

        The file appears whole or not at all (written aside, then renamed): a process
        reading the registry meanwhile never sees half a file. ``reload=False`` adds the
        territory to this registry without reading every other file again, which a
        command writing a thousand of them cannot afford.
        """
        validate_slug(tenant.slug)
        for host in tenant.hosts:
            owner = self._by_host.get(host)
            if owner and owner.slug != tenant.slug:
                raise RegistryError(f"host {host!r} already belongs to {owner.slug}")
        folder = self.root / tenant.slug
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "tenant.toml"
        content = tomli_w.dumps(tenant.to_toml())
        partial = folder / f".tenant.toml.{os.getpid()}.tmp"
        try:
            partial.write_text(content, encoding="utf-8")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        if reload:
            self.reload()
        else:
            self._remember(_tenant_from_toml(tenant.slug, tomllib.loads(content)))
        return path

    def _remember(self, tenant: Tenant) -> None:
        """Add or replace one territory in the indexes, as ``reload`` would find it."""
        previous = self._tenants.get(tenant.slug)
        if previous is not None:
            for host in previous.hosts:
                self._by_host.pop(host, None)
        self._tenants[tenant.slug] = tenant
        self._tenants = dict(sorted(self._tenants.items()))
        for host in tenant.hosts:
            self._by_host[host] = tenant
