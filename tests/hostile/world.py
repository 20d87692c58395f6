"""Two seeded territories, signed-in browsers on alpha, and a digest of every row.

The data is the isolation suite's (``tests.isolation.framework.seed``), so alpha and beta
hold the same people, slugs and ids, and every hostile request can aim at the other
territory's identifiers.

Seeding (eight people, their organisations and missions, three sign-ins) is done once per
application; its rows are kept and put back before each test (the ``app`` fixture empties
the tables after every test) and after every example that wrote something. Sessions are
signed cookies naming a person's id and auth version: with the same rows back, the
browsers' cookies and CSRF tokens are valid again, whatever the example did (sign-out,
password change, account deletion, a role lost).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa

from ptcc.testing.clients import TerritoryClient
from ptcc.testing.pytest_plugin import empty_all_tables
from tests.isolation.framework import PASSWORD, USERS, all_cases, seed

ACTING, OTHER = "alpha", "beta"
TERRITORY_SLUGS = (ACTING, OTHER)
#: Who sends a hostile request: two signed-in people of alpha, or a visitor.
IDENTITIES = ("admin", "owner", "anonymous")


@dataclass(frozen=True)
class Browser:
    """What a browser keeps of a territory: its session cookie and the CSRF token of its pages."""

    cookie: str
    csrf_token: str


@dataclass(frozen=True)
class SeedState:
    """What seeding made: the seed's values, the browsers, and every row by territory."""

    values: dict
    browsers: dict
    rows: dict
    digests: dict


class World:
    """Alpha and beta seeded, alpha's browsers signed in, and the territories' row digests."""

    def __init__(self, app, territory_client, state: SeedState | None = None):
        self.app = app
        #: The ``territory_client`` fixture: ``territory_client("alpha", prefix=True)``.
        self.territory_client = territory_client
        self.cases = all_cases()
        self.state = state
        self._digests: dict[str, dict] | None = None

    @property
    def values(self) -> dict:
        return self.state.values

    # --- seeding and restoring ---------------------------------------------------------

    def seed(self, make_user) -> None:
        """Empty both territories, seed them, sign alpha's people in, keep every row."""
        empty_all_tables(self.app)
        values = {slug: seed(self.app, slug, make_user) for slug in TERRITORY_SLUGS}
        browsers = {
            (ACTING, "admin"): self._signed_in(ACTING, USERS["admin"][0]),
            (ACTING, "owner"): self._signed_in(ACTING, USERS["owner"][0]),
            (ACTING, "anonymous"): self._visitor(ACTING),
            (OTHER, "anonymous"): self._visitor(OTHER),
        }
        rows = {slug: self._read_rows(slug) for slug in TERRITORY_SLUGS}
        self.state = SeedState(values, browsers, rows, self.digests(refresh=True))

    def restore(self) -> None:
        """Put the seeded rows back in both territories, as they were after the sign-ins."""
        for slug in TERRITORY_SLUGS:
            with self._engine(slug).begin() as conn:
                tables = self._tables(conn)
                for table in reversed(tables):
                    conn.execute(table.delete())
                for table in tables:
                    if self.state.rows[slug][table.name]:
                        conn.execute(table.insert(), _insertable(table, self.state.rows[slug][table.name]))
                if conn.dialect.name == "postgresql":
                    _move_sequences_past_rows(conn, tables)
            # The rows put back carry the seeded data version, which the mirror (written since)
            # does not: ptcc.version_mirror, a restore from outside the session.
            state = self.app.extensions["ptcc"]
            state.engines.forget_version_mirror(state.registry.get(slug))
        if self.digests(refresh=True) != self.state.digests:
            raise AssertionError("the seeded rows were not put back as they were")

    def _signed_in(self, slug: str, email: str) -> Browser:
        client = self.territory_client(slug)
        client.login(email, PASSWORD)
        return self._browser(client)

    def _visitor(self, slug: str) -> Browser:
        return self._browser(self.territory_client(slug))

    @staticmethod
    def _browser(client: TerritoryClient) -> Browser:
        token = client.csrf_token()  # after sign-in: the token lives in the new session
        cookie = client.client.get_cookie("session", domain=client.host)
        return Browser(cookie.value, token)

    # --- rows ------------------------------------------------------------------------

    def _engine(self, slug: str):
        state = self.app.extensions["ptcc"]
        return state.engines.get(state.registry.get(slug))

    @staticmethod
    def _tables(conn) -> list[sa.Table]:
        from ptcc.extensions import db

        existing = set(sa.inspect(conn).get_table_names())
        return [table for table in db.metadata.sorted_tables if table.name in existing]

    def _read_rows(self, slug: str) -> dict[str, list[dict]]:
        with self._engine(slug).connect() as conn:
            return {table.name: [dict(row) for row in conn.execute(
                        sa.select(table).order_by(*table.primary_key.columns)).mappings()]
                    for table in self._tables(conn)}

    def digests(self, refresh: bool = False) -> dict[str, dict]:
        """Row digests of both territories, by table (recomputed when ``refresh``)."""
        if refresh or self._digests is None:
            self._digests = {}
            for slug in TERRITORY_SLUGS:
                with self._engine(slug).connect() as conn:
                    self._digests[slug] = _table_digests(conn, self._tables(conn))
        return self._digests

    # --- what requests need ----------------------------------------------------------

    def browser(self, identity: str, slug: str = ACTING) -> Browser | None:
        return self.state.browsers.get((slug, identity))

    def client(self, identity: str, mode: str) -> TerritoryClient:
        """A fresh client on alpha carrying ``identity``'s cookie (a visitor's carries the
        session its CSRF token belongs to), on alpha's host or under /t/alpha."""
        client = self.territory_client(ACTING, prefix=mode == "prefix")
        browser = self.browser(identity)
        if browser is not None:
            # The session cookie is signed per territory, not per host: valid in both modes.
            client.client.set_cookie("session", browser.cookie, domain=client.host, path=client.prefix + "/")
        return client

    def url_values(self, endpoint: str, slug: str, arguments) -> dict:
        """URL values of ``endpoint`` pointing at ``slug``'s seeded objects: the isolation
        case's, else a seed value whose name contains the argument's name."""
        seeded = self.values[slug]
        case = self.cases.get(endpoint)
        built = dict(case.url_values(seeded)) if case else {}
        for argument in arguments:
            if argument.name not in built:
                built[argument.name] = next((value for key, value in sorted(seeded.items())
                                             if argument.name in key), 1 if argument.kind == "int" else "x")
        return built

    def path(self, route, slug: str) -> str:
        """``route``'s path aimed at ``slug``'s seeded objects (host mode, no prefix)."""
        values = self.url_values(route.endpoint, slug, route.arguments)
        return route.path({a.name: quote(str(values[a.name]), safe="/" if a.kind == "path" else "")
                           for a in route.arguments})

    def form_example(self, endpoint: str) -> dict:
        """The isolation case's valid form for ``endpoint``, made from alpha's own values."""
        case = self.cases.get(endpoint)
        return case.form_data(self.values[ACTING]) if case else {}


def _insertable(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Rows as read, ready to insert again. A JSON column reads SQL NULL as None, which
    would be written back as JSON ``null``: ``sa.null()`` keeps it SQL NULL."""
    json_columns = [column.name for column in table.columns if isinstance(column.type, sa.JSON)]
    if not json_columns:
        return rows
    return [{**row, **{name: sa.null() for name in json_columns if row[name] is None}} for row in rows]


def _table_digests(conn, tables) -> dict[str, str]:
    """Per table, a digest of its rows in key order (as ``tests.isolation.framework.fingerprint``).
    Every example takes two, so PostgreSQL computes them in one round trip."""
    if conn.dialect.name != "postgresql":
        return {table.name: hashlib.sha256(repr(conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).all()).encode()).hexdigest()
                for table in tables}
    selects = []
    for table in tables:
        order = ", ".join(f't."{column.name}"' for column in table.primary_key.columns) or "t::text"
        selects.append(f"SELECT '{table.name}', md5(coalesce(string_agg(t::text, chr(10) ORDER BY {order}), '')) "
                       f'FROM "{table.name}" AS t')
    return dict(conn.execute(sa.text(" UNION ALL ".join(selects))).all()) if selects else {}


def _move_sequences_past_rows(conn, tables) -> None:
    """Rows put back with their ids leave PostgreSQL's sequences behind (the ``app``
    fixture restarts them): move each past its table's largest id."""
    for table in tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, sa.Integer):
            continue
        column = columns[0].name
        conn.execute(sa.text(f'SELECT setval(pg_get_serial_sequence(:table, :column), '
                             f'COALESCE((SELECT MAX("{column}") FROM "{table.name}"), 0) + 1, false)'),
                     {"table": f'"{table.name}"', "column": column})
