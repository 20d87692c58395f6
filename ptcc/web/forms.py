"""Helpers shared by the views of every module and plugin."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import wtforms
from flask import flash, request
from flask_wtf import FlaskForm

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.web.input import shared_validators


class _SharedValidation:
    """Gives every field the platform's input rules (``ptcc.web.input.shared_validators``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            extra = shared_validators(field)
            if extra:
                # A new list: the one given to the field class is shared by every instance.
                field.validators = [*extra, *field.validators]


class Form(_SharedValidation, FlaskForm):
    """Base of every form that changes something: CSRF-protected, with the shared rules."""


class FilterForm(_SharedValidation, wtforms.Form):
    """Base of the GET forms above lists (search, filters): no CSRF, since they change nothing."""


def attach_error(form, exc: ServiceError) -> None:
    """Show a service's refusal next to its field, or above the form when it names none."""
    field = form._fields.get(exc.field) if form is not None and exc.field else None
    if field is not None:
        field.errors = list(field.errors or []) + [exc.message]
    else:
        flash(exc.message, "error")


#: No list is longer than this many pages; a larger ``?page=`` shows the last empty page.
MAX_PAGE = 1_000_000


def page_number() -> int:
    """The ``?page=`` of a list, 1 when absent or nonsense, never past ``MAX_PAGE``."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


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
