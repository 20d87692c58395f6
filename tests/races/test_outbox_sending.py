"""The outbox worker holds no transaction while a mail server takes its time."""

from __future__ import annotations

import sqlite3

import pytest

from ptcc.extensions import db
from ptcc.outbox.services import drain, queue_email
from ptcc.tenancy import tenant_context


def test_other_writes_go_on_while_an_email_is_being_sent(app, ptcc_backend):
    if ptcc_backend != "sqlite":
        pytest.skip("PostgreSQL writers never wait on a reader's lock")
    tenant = app.extensions["ptcc"].registry.get("alpha")
    database = app.extensions["ptcc"].engines.get(tenant).url.database
    written_meanwhile = []

    class SlowServer:
        def send(self, message):
            # Another process writing to the territory while the message is on its way: with
            # a zero timeout it fails at once if the worker still held SQLite's write lock.
            other = sqlite3.connect(database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("UPDATE outbox_messages SET last_error = last_error")
                other.execute("COMMIT")
                written_meanwhile.append(message["To"])
            finally:
                other.close()

    with tenant_context("alpha", app=app):
        queue_email("ada@example.org", "Bonjour", "Corps")
        queue_email("grace@example.org", "Bonjour", "Corps")
        db.session.commit()
        assert drain(backend=SlowServer()) == (2, 0)
    assert written_meanwhile == ["ada@example.org", "grace@example.org"]
