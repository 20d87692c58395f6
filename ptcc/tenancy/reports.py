"""Failures told in one line, for commands and logs that report on many territories."""

from __future__ import annotations


def describe(exc: BaseException) -> str:
    """The exception's type and the first line of the driver's message (SQLAlchemy wraps
    the driver's exception in ``orig``, whose text is the useful part)."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return f"{type(exc).__name__}: {message.splitlines()[0] if message else ''}".rstrip(": ")
