"""Queue messages in the caller's transaction; deliver them later, retrying with back-off."""

from __future__ import annotations

from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_babel import force_locale

from ptcc.db import utcnow
from ptcc.extensions import db
from ptcc.outbox.backends import build_email, get_backend
from ptcc.outbox.models import OutboxMessage

#: Seconds before retry n (1-based); the last value repeats. Nothing is ever dropped.
BACKOFF = [60, 300, 900, 3600, 6 * 3600]

#: Kinds of message composed when they are sent: kind -> composer(recipient) -> (subject, body),
#: or None when there is nothing to send. See ``queue_deferred``.
COMPOSERS: dict[str, Callable[[str], tuple[str, str] | None]] = {}


def composer(kind: str):
    """Register the function that composes the messages of ``kind`` at delivery time."""

    def register(function):
        COMPOSERS[kind] = function
        return function

    return register


def queue_email(recipient: str, subject: str, body: str, kind: str = "email") -> OutboxMessage:
    # Forms refuse these already; this guard keeps any other caller from writing a header
    # with a line break or a NUL in it (an injected Bcc, a truncated address).
    if any(not ch.isprintable() for ch in recipient + subject):
        raise ValueError(f"control character in the recipient or subject of an e-mail: {recipient!r}")
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    g.ptcc_outbox_dirty = True
    return message


def render_templated_email(template: str, locale: str, **context) -> tuple[str, str]:
    """``(subject, body)`` of ``<template>.txt`` in ``locale``: its first line is the subject.

    A person without a preferred language gets the territory's default one.
    """
    if not locale:
        from ptcc.tenancy.settings import territory_settings

        locale = territory_settings().default_locale
    with force_locale(locale):
        rendered = render_template(f"{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue_templated_email(recipient: str, template: str, locale: str, **context) -> OutboxMessage:
    """Render ``<template>.txt`` in the recipient's language and queue it."""
    return queue_email(recipient, *render_templated_email(template, locale, **context))


def queue_deferred(kind: str, recipient: str) -> OutboxMessage:
    """Queue a message that the worker composes when it sends it, from what exists then.

    The request that asks for it does the same work whatever the answer will be, so its
    timing says nothing (a password reset for an address with or without an account).
    """
    if kind not in COMPOSERS:
        raise ValueError(f"no composer for outbox messages of kind {kind!r}")
    return queue_email(recipient, "", "", kind=kind)


def compose(message: OutboxMessage) -> bool:
    """Turn a deferred message into the e-mail it stands for; False when there is none to send."""
    if message.kind == "email":
        return True
    composed = COMPOSERS[message.kind](message.recipient)
    message.kind = "email"
    if composed is None:
        message.sent_at, message.subject, message.body = utcnow(), "", ""
        return False
    message.subject, message.body = composed
    return True


def compose_pending() -> None:
    """Compose every deferred message now (tests read the e-mails as they will be sent)."""
    for message in db.session.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.kind != "email")):
        compose(message)
    db.session.flush()


def drain(limit: int = 100, backend=None) -> tuple[int, int]:
    """Send due messages of the current territory; returns (sent, failed).

    Each message is committed on its own, so a crash loses at most the mark of
    one send (an e-mail may then go twice, never zero times). No transaction is open
    while a message is handed to the mail server: on SQLite that would keep every
    other write of the territory waiting for a slow server.
    """
    backend = backend or get_backend(current_app.config)
    sender = current_app.config["PTCC_MAIL_FROM"]
    due = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            db.session.commit()
            continue
        try:
            if not compose(message):
                db.session.commit()
                continue
            email = build_email(sender, message.recipient, message.subject, message.body)
            db.session.commit()  # the composed text is kept; the lock is released before sending
            backend.send(email)
        except Exception as exc:  # any delivery failure is retried, never raised
            db.session.rollback()
            message = db.session.get(OutboxMessage, message_id)
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
