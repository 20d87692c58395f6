"""Ways to deliver an e-mail: console, file (one .eml per message) or SMTP."""

from __future__ import annotations

import smtplib
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import make_msgid
from pathlib import Path


def build_email(sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="ptcc.localhost")
    message.set_content(body)
    return message


#: Headers that say how the message is encoded: the console shows it decoded, so they are left out.
TRANSPORT_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


def readable(message: Message) -> str:
    """The message as a person reads it: each header decoded (RFC 2047) on one line, the
    text body decoded (quoted-printable, base64) with its lines as written, so that a link
    is whole and can be clicked in a terminal."""
    if not isinstance(message, EmailMessage):  # parsed with the compat32 policy: parse again
        message = message_from_bytes(message.as_bytes(), policy=policy.default)
    lines = [f"{name}: {' '.join(str(value).split())}" for name, value in message.items()
             if name.lower() not in TRANSPORT_HEADERS]
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        body = "(no text part)"
    else:
        try:
            body = part.get_content()
        except (LookupError, ValueError):  # an unknown charset: the bytes, decoded leniently
            body = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return "\n".join(lines) + "\n\n" + body.rstrip("\n") + "\n"


class ConsoleBackend:
    """Prints each message decoded (``readable``), for development: what a mail client would show."""

    def __init__(self, config, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: EmailMessage) -> None:
        self.stream.write(readable(message) + "-" * 72 + "\n")
        self.stream.flush()


class FileBackend:
    def __init__(self, config):
        self.folder = Path(config["PTCC_INSTANCE_PATH"]) / "mail"

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_")
        (self.folder / f"{name}.eml").write_bytes(message.as_bytes())


class SMTPBackend:
    def __init__(self, config):
        self.config = config

    def send(self, message: EmailMessage) -> None:
        cfg = self.config
        with smtplib.SMTP(cfg["PTCC_SMTP_HOST"], cfg["PTCC_SMTP_PORT"], timeout=cfg["PTCC_SMTP_TIMEOUT"]) as smtp:
            if cfg["PTCC_SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["PTCC_SMTP_USER"]:
                smtp.login(cfg["PTCC_SMTP_USER"], cfg["PTCC_SMTP_PASSWORD"])
            smtp.send_message(message)


BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "smtp": SMTPBackend}


def get_backend(config):
    name = config["PTCC_MAIL_BACKEND"]
    try:
        return BACKENDS[name](config)
    except KeyError:
        raise ValueError(f"unknown PTCC_MAIL_BACKEND {name!r}; choose one of {sorted(BACKENDS)}") from None
