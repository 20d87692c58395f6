"""Helpers shared by the views of every module and plugin."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import wtforms
from flask import flash, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import MultiDict

from ptcc.errors import NotFound, PermissionDenied, ServiceError
from ptcc.extensions import db
from ptcc.web.input import shared_validators


class _SharedValidation:
    """Gives every field the platform's input rules (``ptcc.web.input.shared_validators``)."""

    #: Longest text a field of this form takes, where the form itself says nothing (None: no limit).
    text_limit: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self._fields.values():
            extra = shared_validators(field, self.text_limit)
            if extra:
                # A new list: the one given to the field class is shared by every instance.
                field.validators = [*extra, *field.validators]


class Form(_SharedValidation, FlaskForm):
    """Base of every form that changes something: CSRF-protected, with the shared rules.

    Its data comes from the posted form fields only (and uploaded files for its file fields):
    a JSON body or a file sent in a text field would hand the validators and services an int,
    a dict or a file where they expect text.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            data = MultiDict(request.form)
            for name, field in form._fields.items():
                if isinstance(field, FileField):
                    data.setlist(name, request.files.getlist(name))
            return data


class FilterForm(_SharedValidation, wtforms.Form):
    """Base of the GET forms above lists (search, filters): no CSRF, since they change nothing."""

    #: A filter is a word or two: a longer text only makes a costlier query (SQLite refuses a
    #: LIKE pattern past 50,000 bytes).
    text_limit = 200

    def valid_data(self) -> dict:
        """The fields' values after ``validate()``, a refused one as if it were left empty."""
        return {name: (None if field.errors else field.data) for name, field in self._fields.items()}


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
