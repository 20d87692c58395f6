"""Files of territories for ``ptcc tenant create --from-file``: TOML or CSV.

TOML: one ``[[territory]]`` table per territory::

    [[territory]]
    slug = "lyon"
    name = "Lyon Métropole"
    hosts = ["lyon.example.org"]
    locales = ["fr", "en"]
    default_locale = "fr"
    timezone = "Europe/Paris"
    plugins = ["volunteering"]
    admin_email = "admin@lyon.example.org"

CSV (UTF-8, comma-separated, a header row naming the columns, in any order)::

    slug,name,hosts,locales,default_locale,timezone,plugins,admin_email
    lyon,Lyon Métropole,lyon.example.org;www.lyon.example.org,fr;en,fr,Europe/Paris,volunteering,admin@lyon.example.org

List fields (hosts, locales, plugins) are separated by ``;`` or spaces in CSV; TOML takes a
list or such a string. Only ``slug`` and ``name`` are required; the rest defaults as the
command's options do. ``admin_name`` and ``database_url`` are accepted too.

Each territory keeps the line it starts on, so that every message can point at it.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ptcc.tenancy.checks import DEFAULT_LOCALES, DEFAULT_TIMEZONE, TerritoryRequest

COLUMNS = ("slug", "name", "hosts", "locales", "default_locale", "timezone", "plugins", "admin_email",
           "admin_name", "database_url")
REQUIRED_COLUMNS = ("slug", "name")
LIST_COLUMNS = frozenset({"hosts", "locales", "plugins"})
TOML_TABLE = "territory"
_LIST_SEPARATOR = re.compile(r"[;\s]+")
_TOML_HEADER = re.compile(rf"^\s*\[\[\s*(?:{TOML_TABLE}|\"{TOML_TABLE}\")\s*\]\]")


class TerritoryFileError(ValueError):
    """The file as a whole cannot be read (syntax, encoding, header): nothing is checked."""


@dataclass(frozen=True)
class FileEntry:
    """One territory of the file: the request, or why its row could not even be read."""

    where: str
    request: TerritoryRequest | None
    error: str = ""


def read_territory_file(path: Path | str) -> list[FileEntry]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".csv"):
        raise TerritoryFileError(f"{path.name}: expected a .toml or .csv file")
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TerritoryFileError(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise TerritoryFileError(f"{path}: {exc.strerror}") from exc
    return _read_toml(text, path.name) if suffix == ".toml" else _read_csv(text, path.name)


def split_list(value: str) -> tuple[str, ...]:
    """``"a; b c"`` → ``("a", "b", "c")``."""
    return tuple(part for part in _LIST_SEPARATOR.split(value.strip()) if part)


def _request(fields: dict[str, object], where: str) -> TerritoryRequest:
    """A request from a row's non-empty fields (lists already split)."""
    return TerritoryRequest(
        slug=str(fields.get("slug", "")),
        name=str(fields.get("name", "")),
        hosts=tuple(fields.get("hosts", ())),
        locales=tuple(fields.get("locales", ())) or DEFAULT_LOCALES,
        default_locale=str(fields.get("default_locale", "")),
        timezone=str(fields.get("timezone", "")) or DEFAULT_TIMEZONE,
        plugins=tuple(fields.get("plugins", ())),
        admin_email=str(fields.get("admin_email", "")),
        admin_name=str(fields.get("admin_name", "")),
        database_url=str(fields.get("database_url", "")),
        where=where,
    ).normalised()


# --- TOML ----------------------------------------------------------------------------


def _read_toml(text: str, name: str) -> list[FileEntry]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TerritoryFileError(f"{name}: {exc}") from exc
    unknown = sorted(set(data) - {TOML_TABLE})
    if unknown:
        raise TerritoryFileError(f"{name}: unknown top-level key(s) {', '.join(unknown)}; "
                                 f"each territory is a [[{TOML_TABLE}]] table")
    tables = data.get(TOML_TABLE, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise TerritoryFileError(f"{name}: {TOML_TABLE!r} must be an array of tables ([[{TOML_TABLE}]])")
    # tomllib keeps no positions: the tables' header lines stand for them, when they can be
    # matched one to one (not for an inline array of tables).
    headers = [number for number, line in enumerate(text.splitlines(), start=1) if _TOML_HEADER.match(line)]
    if len(headers) != len(tables):
        headers = []
    entries = []
    for index, table in enumerate(tables):
        where = f"line {headers[index]}" if headers else f"territory #{index + 1}"
        entries.append(_toml_entry(table, where))
    return entries


def _toml_entry(table: dict, where: str) -> FileEntry:
    unknown = sorted(set(table) - set(COLUMNS))
    if unknown:
        return FileEntry(where, None, f"unknown key(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
    fields: dict[str, object] = {}
    for key, value in table.items():
        if key in LIST_COLUMNS:
            if isinstance(value, str):
                value = split_list(value)
            elif not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                return FileEntry(where, None, f"{key} must be a list of strings")
        elif not isinstance(value, str):
            return FileEntry(where, None, f"{key} must be a string")
        fields[key] = value
    missing = [key for key in REQUIRED_COLUMNS if not str(fields.get(key, "")).strip()]
    if missing:
        return FileEntry(where, None, f"missing {', '.join(missing)}")
    return FileEntry(where, _request(fields, where))


# --- CSV -----------------------------------------------------------------------------


def _read_csv(text: str, name: str) -> list[FileEntry]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header, header_line = _first_row(reader)
    except csv.Error as exc:
        raise TerritoryFileError(f"{name}, line {reader.line_num}: {exc}") from exc
    if header is None:
        return []
    columns = [cell.strip().lower() for cell in header]
    unknown = [c for c in columns if c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if unknown or missing or repeated:
        problems = ([f"unknown column(s) {', '.join(unknown)}"] if unknown else []) + \
                   ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                   ([f"repeated column(s) {', '.join(repeated)}"] if repeated else [])
        raise TerritoryFileError(f"{name}, line {header_line}: {'; '.join(problems)} "
                                 f"(columns: {', '.join(COLUMNS)})")
    entries = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise TerritoryFileError(f"{name}, line {reader.line_num}: {exc}") from exc
        if _is_blank_or_comment(row):
            continue
        where = f"line {start}"
        if len(row) > len(columns):
            entries.append(FileEntry(where, None, f"{len(row)} fields for {len(columns)} columns"))
            continue
        fields = {}
        for column, cell in zip(columns, row):
            if cell.strip():
                fields[column] = split_list(cell) if column in LIST_COLUMNS else cell.strip()
        missing = [c for c in REQUIRED_COLUMNS if c not in fields]
        if missing:
            entries.append(FileEntry(where, None, f"missing {', '.join(missing)}"))
            continue
        entries.append(FileEntry(where, _request(fields, where)))
    return entries


def _first_row(reader) -> tuple[list[str] | None, int]:
    for row in reader:
        if not _is_blank_or_comment(row):
            return row, reader.line_num
    return None, 0


def _is_blank_or_comment(row: list[str]) -> bool:
    """Blank lines, and lines starting with ``#`` (no slug starts with one)."""
    return not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#")
