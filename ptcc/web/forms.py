"""Helpers shared by the views of every module and plugin."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import flash, request

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db


def attach_error(form, exc: ServiceError) -> None:
    """Show a service's refusal next to its field, or above the form when it names none."""
    field = form._fields.get(exc.field) if form is not None and exc.field else None
    if field is not None:
        field.errors = list(field.errors or []) + [exc.message]
    else:
        flash(exc.message, "error")


def page_number() -> int:
    """The ``?page=`` of a list, 1 when absent or nonsense."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


class ServiceOutcome:
    """What ``service_transaction`` tells the view afterwards."""

    refused: bool = False


@contextmanager
def service_transaction(form) -> Iterator[ServiceOutcome]:
    """Run the services of a submitted form in one transaction.

    On success the transaction is committed. A ``ServiceError`` (a refusal to show
    next to its field) rolls it back, is attached to the form and sets
    ``outcome.refused``; ``PermissionDenied`` and ``NotFound`` go on to their
    403 and 404 pages.
    """
    outcome = ServiceOutcome()
    try:
        yield outcome
    except (PermissionDenied, NotFound):
        raise
    except ServiceError as exc:
        db.session.rollback()
        attach_error(form, exc)
        outcome.refused = True
    else:
        db.session.commit()
