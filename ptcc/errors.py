"""Exceptions that services raise and views turn into messages."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal to show the person as is: the message is already translated."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        #: Name of the form field the message belongs to, if any.
        self.field = field


class PermissionDenied(ServiceError):
    """The current person may not do this; views answer 403."""


class NotFound(ServiceError):
    """The thing does not exist in this territory; views answer 404."""
