"""A logger that keeps what it is told: for code that takes a ``logger`` argument (gunicorn's
``server.log``, the connection budget check)."""

from __future__ import annotations


class RecordingLog:
    def __init__(self):
        self.records: list[tuple[str, str]] = []

    def warning(self, message, *args):
        self.records.append(("warning", message % args))

    def info(self, message, *args):
        self.records.append(("info", message % args))

    def levels(self, level: str) -> list[str]:
        return [text for kind, text in self.records if kind == level]
