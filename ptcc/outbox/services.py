"""Queue messages in the caller's transaction; deliver them later, retrying with back-off."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_babel import force_locale

from ptcc.db import utcnow
from ptcc.extensions import db
from ptcc.outbox.backends import build_email, get_backend
from ptcc.outbox.models import OutboxMessage

#: Seconds before retry n (1-based); the last value repeats. Nothing is ever dropped.
BACKOFF = [60, 300, 900, 3600, 6 * 3600]


def queue_email(recipient: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(kind="email", recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    g.ptcc_outbox_dirty = True
    return message


def queue_templated_email(recipient: str, template: str, locale: str, **context) -> OutboxMessage:
    """Render ``<template>.txt`` in the recipient's language; its first line is the subject.

    A person without a preferred language gets the territory's default one.
    """
    if not locale:
        from ptcc.admin.settings import territory_settings

        locale = territory_settings().default_locale
    with force_locale(locale):
        rendered = render_template(f"{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    return queue_email(recipient, subject.strip(), body.strip() + "\n")


def drain(limit: int = 100, backend=None) -> tuple[int, int]:
    """Send due messages of the current territory; returns (sent, failed).

    Each message is committed on its own, so a crash loses at most the mark of
    one send (an e-mail may then go twice, never zero times).
    """
    backend = backend or get_backend(current_app.config)
    sender = current_app.config["PTCC_MAIL_FROM"]
    due = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in due:
        try:
            backend.send(build_email(sender, message.recipient, message.subject, message.body))
        except Exception as exc:  # any delivery failure is retried, never raised
            message.attempts += 1
            delay = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
            message.next_attempt_at = utcnow() + timedelta(seconds=delay)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
        else:
            message.attempts += 1
            message.sent_at = utcnow()
            message.last_error = ""
            sent += 1
        db.session.commit()
    return sent, failed


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    )
