"""Ways to deliver an e-mail: console, file (one .eml per message) or SMTP."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
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


class ConsoleBackend:
    def __init__(self, config, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: EmailMessage) -> None:
        self.stream.write(message.as_string() + "\n" + "-" * 72 + "\n")
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
