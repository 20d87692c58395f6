"""What a new territory's description must satisfy, checked before anything is written.

``ptcc tenant create`` uses it for one territory given as options and for each row of a
``--from-file`` file, so that both forms refuse the same things in the same words. A bad
value caught here is a message; caught later, it would be a half-created territory or a
``tenant.toml`` that stops every later command from reading the registry.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from ptcc.i18n import SUPPORTED_LOCALES
from ptcc.tenancy.registry import HOST_RE, RegistryError, Tenant, TenantRegistry, validate_slug

DEFAULT_LOCALES = ("fr", "en")
DEFAULT_TIMEZONE = "Europe/Paris"
#: Longest e-mail address the accounts' forms accept (RFC 5321's path limit).
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class TerritoryRequest:
    """A territory someone asked for, before it is checked."""

    slug: str
    name: str
    hosts: tuple[str, ...] = ()
    locales: tuple[str, ...] = DEFAULT_LOCALES
    #: Empty: the first of ``locales``.
    default_locale: str = ""
    timezone: str = DEFAULT_TIMEZONE
    plugins: tuple[str, ...] = ()
    #: Empty: the territory starts without an administrator (only allowed in files).
    admin_email: str = ""
    admin_name: str = ""
    database_url: str = ""
    #: Where the request was read ("line 12"), for messages; empty for command options.
    where: str = ""

    @property
    def effective_default_locale(self) -> str:
        return self.default_locale or (self.locales[0] if self.locales else "")

    def normalised(self) -> TerritoryRequest:
        """Host names and the e-mail in lower case, blanks trimmed, repeated hosts once."""
        hosts = tuple(dict.fromkeys(h.strip().lower() for h in self.hosts if h.strip()))
        return TerritoryRequest(
            slug=self.slug.strip(), name=self.name.strip(), hosts=hosts,
            locales=tuple(dict.fromkeys(code.strip() for code in self.locales if code.strip())),
            default_locale=self.default_locale.strip(), timezone=self.timezone.strip(),
            plugins=tuple(dict.fromkeys(p.strip() for p in self.plugins if p.strip())),
            admin_email=self.admin_email.strip().lower(), admin_name=self.admin_name.strip(),
            database_url=self.database_url.strip(), where=self.where,
        )

    def tenant(self) -> Tenant:
        return Tenant(slug=self.slug, name=self.name, hosts=self.hosts,
                      default_locale=self.effective_default_locale, locales=self.locales,
                      timezone=self.timezone, plugins=self.plugins, database_url=self.database_url)

    def admin_display_name(self) -> str:
        return self.admin_name or self.admin_email.split("@")[0]


def email_problem(address: str) -> str | None:
    """Why ``address`` cannot be an administrator's e-mail, or None. The same rule as the
    sign-up form (WTForms' ``Email`` is email_validator without a DNS lookup)."""
    if len(address) > MAX_EMAIL_LENGTH:
        return f"e-mail address {address!r} is longer than {MAX_EMAIL_LENGTH} characters"
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"invalid e-mail address {address!r}: {exc}"
    return None


class TerritoryChecker:
    """Checks requests one after another against the registry and against each other.

    The slugs and hosts of requests already checked count as taken, so that two rows of a
    file cannot claim the same one; the first row keeps it.
    """

    def __init__(self, registry: TenantRegistry, platform_hosts, plugin_names):
        self.registry = registry
        self.platform_hosts = {h.lower() for h in platform_hosts}
        self.plugin_names = sorted(plugin_names)
        self._slugs: dict[str, str] = {}
        self._hosts: dict[str, str] = {}

    def exists(self, request: TerritoryRequest) -> bool:
        return request.slug in self.registry

    def problems(self, request: TerritoryRequest, *, admin_required: bool = True) -> list[str]:
        """Every reason ``request`` (normalised) cannot be created; empty when it can.
        The request's slug and hosts are then taken for the requests checked after it."""
        problems: list[str] = []
        try:
            validate_slug(request.slug)
        except RegistryError as exc:
            problems.append(str(exc))
        if request.slug in self._slugs:
            problems.append(f"territory {request.slug!r} already appears at {self._slugs[request.slug]}")
        if not request.name:
            problems.append("the name is empty")
        problems += self._host_problems(request)
        problems += self._language_problems(request)
        if not _is_timezone(request.timezone):
            problems.append(f"unknown time zone {request.timezone!r}")
        for plugin in request.plugins:
            if plugin not in self.plugin_names:
                installed = ", ".join(self.plugin_names) or "none"
                problems.append(f"unknown plugin {plugin!r} (installed: {installed})")
        if request.admin_email:
            problem = email_problem(request.admin_email)
            if problem:
                problems.append(problem)
        elif admin_required:
            problems.append("no administrator e-mail")
        self._slugs.setdefault(request.slug, request.where or "an earlier request")
        for host in request.hosts:
            self._hosts.setdefault(host, f"{request.where or 'an earlier request'} ({request.slug})")
        return problems

    def _host_problems(self, request: TerritoryRequest) -> list[str]:
        problems = []
        for host in request.hosts:
            if not HOST_RE.match(host):
                problems.append(f"invalid host name {host!r}")
            elif host in self.platform_hosts:
                problems.append(f"host {host!r} is a platform host (PTCC_PLATFORM_HOSTS)")
            elif (owner := self.registry.by_host(host)) is not None:
                problems.append(f"host {host!r} already belongs to {owner.slug}")
            elif host in self._hosts:
                problems.append(f"host {host!r} is already claimed at {self._hosts[host]}")
        return problems

    @staticmethod
    def _language_problems(request: TerritoryRequest) -> list[str]:
        if not request.locales:
            return ["no language offered"]
        problems = [f"unsupported language {code!r} (supported: {', '.join(SUPPORTED_LOCALES)})"
                    for code in request.locales if code not in SUPPORTED_LOCALES]
        default = request.effective_default_locale
        if default not in request.locales:
            problems.append(f"default language {default!r} is not among the offered ones "
                            f"({', '.join(request.locales)})")
        return problems


def _is_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
