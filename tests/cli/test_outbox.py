"""The outbox: queued in the caller's transaction, sent by `ptcc outbox run`, retried, never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ptcc.db import utcnow
from ptcc.extensions import db
from ptcc.tenancy import tenant_context
from tests.cli.sandbox import free_port


@pytest.fixture
def lyon(platform):
    """A platform with one migrated territory, "lyon" (host lyon.localhost)."""
    platform.write_tenant("lyon", "Lyon Métropole", hosts=["lyon.localhost"])
    platform.prepare_schema("lyon")
    assert platform.run("db", "upgrade").exit_code == 0
    return platform


def queue(platform, *recipients: str) -> None:
    from ptcc.outbox.services import queue_email

    app = platform.app()
    with tenant_context("lyon", app=app):
        for recipient in recipients:
            queue_email(recipient, f"Bonjour {recipient}", "Corps du message.\n")
        db.session.commit()


def messages(platform) -> list:
    from ptcc.outbox.models import OutboxMessage

    app = platform.app()
    with tenant_context("lyon", app=app):
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def make_due(platform) -> None:
    """Time passes: every waiting message is due again."""
    from ptcc.outbox.models import OutboxMessage

    app = platform.app()
    with tenant_context("lyon", app=app):
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def mail_files(platform) -> list:
    return sorted((platform.instance / "mail").glob("*.eml"))


def smtp_to_closed_port() -> dict:
    return {"PTCC_MAIL_BACKEND": "smtp", "PTCC_SMTP_HOST": "127.0.0.1", "PTCC_SMTP_PORT": free_port(),
            "PTCC_SMTP_TIMEOUT": 3}


def test_outbox_run_sends_queued_mail_with_the_file_backend(lyon):
    queue(lyon, "camille@example.org", "dominique@example.org")

    result = lyon.run("outbox", "run")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "lyon: 2 sent, 0 failed, 0 waiting"
    files = mail_files(lyon)
    assert len(files) == 2
    texts = "\n".join(f.read_text(encoding="utf-8") for f in files)
    assert "To: camille@example.org" in texts and "To: dominique@example.org" in texts
    assert "Subject: Bonjour camille@example.org" in texts
    assert all(m.sent_at is not None and m.attempts == 1 for m in messages(lyon))

    again = lyon.run("outbox", "run")
    assert again.output.strip() == "lyon: 0 sent, 0 failed, 0 waiting"
    assert len(mail_files(lyon)) == 2  # nothing is sent twice


def test_failed_send_is_kept_and_retried_with_back_off(lyon):
    from ptcc.outbox.services import BACKOFF

    queue(lyon, "camille@example.org")
    smtp = smtp_to_closed_port()

    before = utcnow()
    failed = lyon.run("outbox", "run", **smtp)

    assert failed.exit_code == 1
    assert failed.output.strip() == "lyon: 0 sent, 1 failed, 1 waiting"
    [message] = messages(lyon)
    assert message.sent_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    first_delay = message.next_attempt_at - before
    assert timedelta(seconds=BACKOFF[0]) <= first_delay <= timedelta(seconds=BACKOFF[0] + 30)

    # Not due yet: a run right away does not touch it.
    waiting = lyon.run("outbox", "run", **smtp)
    assert waiting.exit_code == 0
    assert waiting.output.strip() == "lyon: 0 sent, 0 failed, 1 waiting"
    assert messages(lyon)[0].attempts == 1

    # Later, still failing: the delay grows.
    make_due(lyon)
    before = utcnow()
    assert lyon.run("outbox", "run", **smtp).exit_code == 1
    [message] = messages(lyon)
    assert message.attempts == 2
    assert timedelta(seconds=BACKOFF[1]) <= message.next_attempt_at - before <= timedelta(seconds=BACKOFF[1] + 30)

    # Later again, with a working backend: sent, the error cleared.
    make_due(lyon)
    sent = lyon.run("outbox", "run")
    assert sent.exit_code == 0, sent.output
    assert sent.output.strip() == "lyon: 1 sent, 0 failed, 0 waiting"
    [message] = messages(lyon)
    assert message.sent_at is not None and message.attempts == 3 and message.last_error == ""
    [eml] = mail_files(lyon)
    assert "To: camille@example.org" in eml.read_text(encoding="utf-8")


def test_one_broken_territory_does_not_stop_the_others(lyon):
    from tests.cli.sandbox import UNREACHABLE_URL

    lyon.write_tenant("aaa-broken", "Broken", database_url=UNREACHABLE_URL)
    queue(lyon, "camille@example.org")

    result = lyon.run("outbox", "run")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("aaa-broken: FAILED: OperationalError")
    assert lines[1] == "lyon: 1 sent, 0 failed, 0 waiting"


def test_a_rolled_back_transaction_leaves_no_message(lyon):
    from ptcc.accounts.models import User
    from ptcc.outbox.models import OutboxMessage
    from ptcc.outbox.services import queue_email

    app = lyon.app()
    with tenant_context("lyon", app=app):
        user = User(email="camille@example.org", display_name="Camille", password_hash="x")
        db.session.add(user)
        queue_email("camille@example.org", "Bienvenue", "Corps.\n")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
        db.session.rollback()

    assert messages(lyon) == []
    with tenant_context("lyon", app=lyon.app()):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert lyon.run("outbox", "run").output.strip() == "lyon: 0 sent, 0 failed, 0 waiting"


def _app_with_queueing_views(platform, **config):
    """An application with two extra routes: one commits a queued mail, one fails after queueing."""
    from ptcc.outbox.services import queue_email

    app = platform.app(**config)

    def commits():
        queue_email("camille@example.org", "Inscription", "Corps.\n")
        db.session.commit()
        return "ok"

    def fails():
        queue_email("dominique@example.org", "Jamais", "Corps.\n")
        raise RuntimeError("the view failed after queueing")

    app.add_url_rule("/_test/queue", "test_queue", commits)
    app.add_url_rule("/_test/queue-and-fail", "test_queue_and_fail", fails)
    return app


def test_inline_drain_sends_at_the_end_of_the_request(lyon):
    app = _app_with_queueing_views(lyon, PTCC_OUTBOX_INLINE=True)
    client = app.test_client()

    assert client.get("/_test/queue", headers={"Host": "lyon.localhost"}).status_code == 200
    assert client.get("/_test/queue-and-fail", headers={"Host": "lyon.localhost"}).status_code == 500

    [message] = messages(lyon)  # the failed request's mail was rolled back with it
    assert message.recipient == "camille@example.org" and message.sent_at is not None
    [eml] = mail_files(lyon)
    assert "Subject: Inscription" in eml.read_text(encoding="utf-8")


def test_without_inline_drain_the_message_waits_for_the_worker(lyon):
    app = _app_with_queueing_views(lyon, PTCC_OUTBOX_INLINE=False)

    assert app.test_client().get("/_test/queue", headers={"Host": "lyon.localhost"}).status_code == 200

    [message] = messages(lyon)
    assert message.sent_at is None
    assert mail_files(lyon) == []
    assert lyon.run("outbox", "run").output.strip() == "lyon: 1 sent, 0 failed, 0 waiting"
