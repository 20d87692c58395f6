"""Helpers shared by the views of every module and plugin."""

from __future__ import annotations

from flask import flash, request

from ptcc.errors import ServiceError


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
