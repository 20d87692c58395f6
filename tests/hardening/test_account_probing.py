"""Findings 7 and 8: whether an address has an account shows neither in the work done nor in
a lock-out that a stranger could impose on its owner.

Speed is measured by ``benchmarks/bench_account_probing.py``; the tests assert what makes
the two paths cost the same: the same password hashing and the same e-mail rendering.
"""

from __future__ import annotations

import pytest

from ptcc.testing.factories import DEFAULT_PASSWORD

SIGNUP = {"display_name": "Nadia", "password": "un mot de passe long", "password_confirm": "un mot de passe long",
          "accept_terms": "y"}


@pytest.fixture
def work_done(monkeypatch):
    """Counts the costly steps of a request: password hashes and rendered e-mails."""
    import ptcc.accounts.models as models
    import ptcc.outbox.services as outbox_services

    counts = {"hashes": 0, "emails": 0}
    real_hash, real_render = models.generate_password_hash, outbox_services.render_template

    def counting_hash(*args, **kwargs):
        counts["hashes"] += 1
        return real_hash(*args, **kwargs)

    def counting_render(*args, **kwargs):
        counts["emails"] += 1
        return real_render(*args, **kwargs)

    monkeypatch.setattr(models, "generate_password_hash", counting_hash)
    monkeypatch.setattr(outbox_services, "render_template", counting_render)

    def measure(action):
        counts.update(hashes=0, emails=0)
        action()
        return dict(counts)

    return measure


def test_sign_up_costs_the_same_for_a_known_and_a_new_address(alpha, make_user, work_done, outbox):
    make_user(email="known@example.org")
    token = alpha.csrf_token()
    known = work_done(lambda: alpha.submit("/account/signup", {**SIGNUP, "email": "known@example.org",
                                                                 "csrf_token": token}))
    new = work_done(lambda: alpha.submit("/account/signup", {**SIGNUP, "email": "new@example.org",
                                                               "csrf_token": token}))
    assert known == new == {"hashes": 1, "emails": 1}
    assert [m["recipient"] for m in outbox("alpha")] == ["known@example.org", "new@example.org"]


def test_reset_does_the_same_work_for_a_known_and_an_unknown_address(alpha, make_user, work_done, outbox, app):
    """The request only queues the demand; the outbox worker decides whether there is an e-mail."""
    import sqlalchemy as sa

    from ptcc.extensions import db
    from ptcc.outbox.models import OutboxMessage
    from ptcc.tenancy import tenant_context

    make_user(email="known@example.org")
    token = alpha.csrf_token()
    known = work_done(lambda: alpha.submit("/account/reset", {"email": "known@example.org", "csrf_token": token}))
    unknown = work_done(lambda: alpha.submit("/account/reset", {"email": "nobody@example.org",
                                                                  "csrf_token": token}))
    assert known == unknown == {"hashes": 0, "emails": 0}
    with tenant_context("alpha", app=app):
        queued = db.session.execute(sa.select(OutboxMessage.kind, OutboxMessage.recipient)
                                    .order_by(OutboxMessage.id)).all()
    assert [kind for kind, _ in queued] == ["accounts.password_reset"] * 2
    mails = outbox("alpha")  # composed as the worker does: only the account holder gets a link
    assert [m["recipient"] for m in mails] == ["known@example.org"] and "/account/reset/" in mails[0]["body"]


def test_the_worker_sends_the_reset_and_skips_the_unknown_address(alpha, make_user, app):
    import sqlalchemy as sa

    from ptcc.extensions import db
    from ptcc.outbox.models import OutboxMessage
    from ptcc.outbox.services import drain
    from ptcc.tenancy import tenant_context

    make_user(email="known@example.org")
    token = alpha.csrf_token()
    for email in ("known@example.org", "nobody@example.org"):
        alpha.submit("/account/reset", {"email": email, "csrf_token": token})
    sent = []

    class Backend:
        def send(self, message):
            sent.append((message["To"], message["Subject"]))

    with tenant_context("alpha", app=app):
        assert drain(backend=Backend()) == (1, 0)
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert all(row.sent_at is not None for row in rows)
    assert [to for to, _subject in sent] == ["known@example.org"]


@pytest.fixture
def real_limits(app, monkeypatch):
    from ptcc.extensions import limiter

    monkeypatch.setitem(app.config, "PTCC_LOGIN_LIMIT_PER_ACCOUNT", "8 per 10 minutes")
    monkeypatch.setitem(app.config, "PTCC_LOGIN_LIMIT_PER_IP", "30 per 10 minutes")
    limiter.reset()
    yield
    limiter.reset()


def _attempt(client, email, password, address):
    return client.submit("/account/login", {"email": email, "password": password},
                         environ_base={"REMOTE_ADDR": address})


def test_a_stranger_cannot_lock_the_owner_out(alpha, territory_client, make_user, real_limits):
    make_user(email="owner@example.org")
    for _ in range(8):
        assert _attempt(alpha, "owner@example.org", "wrong password!", "203.0.113.9").status_code == 400
    assert _attempt(alpha, "owner@example.org", "wrong password!", "203.0.113.9").status_code == 429
    owner = territory_client("alpha")
    assert _attempt(owner, "owner@example.org", DEFAULT_PASSWORD, "198.51.100.7").status_code == 302


def test_the_per_account_limit_still_stops_guessing_from_one_address(alpha, make_user, real_limits):
    make_user(email="owner@example.org")
    statuses = [_attempt(alpha, "owner@example.org", f"guess number {n}", "203.0.113.9").status_code
                for n in range(9)]
    assert statuses == [400] * 8 + [429]
    # Even the right password waits now, from that address: guessing has no shortcut.
    assert _attempt(alpha, "owner@example.org", DEFAULT_PASSWORD, "203.0.113.9").status_code == 429


def test_pages_with_personal_data_are_not_stored_by_caches(alpha, make_user):
    make_user(email="ada@example.org")
    assert "no-store" not in alpha.get("/").headers.get("Cache-Control", "")
    alpha.login("ada@example.org", DEFAULT_PASSWORD)
    for path in ("/account/export", "/account/", "/dashboard", "/", "/organisations/"):
        response = alpha.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path
    assert "no-store" not in alpha.get("/theme.css").headers.get("Cache-Control", "")


@pytest.mark.parametrize("trusted, limited_from_elsewhere", [(0, True), (1, False)])
def test_client_address_behind_a_proxy(ptcc_base_config, _ptcc_session_app, make_user, trusted,
                                       limited_from_elsewhere):
    """Behind a trusted proxy the limits count per visitor (X-Forwarded-For), else per peer;
    no forwarding header ever changes which territory answers."""
    from ptcc.app import create_app
    from ptcc.extensions import limiter
    from ptcc.testing.clients import TerritoryClient

    app = create_app({**ptcc_base_config, "PTCC_TRUSTED_PROXIES": trusted,
                      "PTCC_LOGIN_LIMIT_PER_ACCOUNT": "3 per 10 minutes"})
    make_user(email="owner@example.org")
    limiter.reset()
    client = TerritoryClient(app.test_client(), "alpha.test")

    def attempt(address, password="wrong password!"):
        return client.submit("/account/login", {"email": "owner@example.org", "password": password},
                             headers={"X-Forwarded-For": address, "X-Forwarded-Host": "beta.test"})

    assert [attempt("203.0.113.9").status_code for _ in range(4)] == [400, 400, 400, 429]
    from_elsewhere = attempt("198.51.100.7", DEFAULT_PASSWORD).status_code
    assert from_elsewhere == (429 if limited_from_elsewhere else 302)
    assert "Territoire Alpha" in client.get("/", headers={"X-Forwarded-Host": "beta.test"}).get_data(as_text=True)
    limiter.reset()
