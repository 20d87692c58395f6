"""Input hygiene shared by every page and form: characters and numbers the platform refuses.

Two layers, so that no module has to remember:

- ``refuse_nul_bytes`` (a ``before_request`` hook) answers 400 to a NUL byte anywhere in
  the query string, the form, the URL or a JSON body. PostgreSQL cannot store one and
  an e-mail header must not carry one; no legitimate client sends it.
- ``shared_validators`` is what ``ptcc.web.forms.Form`` adds to every field: no control
  or bidirectional-override characters in text (line breaks and tabs stay allowed in
  multi-line text), integers that fit the database's integer columns, dates between
  ``DATE_MIN`` and ``DATE_MAX``.
"""

from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DateTimeField, HiddenField, IntegerField, StringField, TextAreaField
from werkzeug.exceptions import BadRequest
from wtforms.validators import ValidationError

#: What every integer column holds: ``Mapped[int]`` is PostgreSQL's 32-bit INTEGER (SQLite's
#: holds 64 bits). A larger id or count cannot name a row, and binding it fails on PostgreSQL.
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)
#: The calendar the platform accepts: wide enough for a history, narrow enough that
#: adding a day or a time zone offset never leaves Python's calendar.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)

#: C0 controls except tab and line breaks, DEL, C1 controls, and the bidirectional
#: embeddings, overrides and isolates that make a name read differently from what it is.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL_IN_LINE_RE = re.compile(rf"[{_CONTROL}\t\n\r\u2028\u2029]")
CONTROL_IN_TEXT_RE = re.compile(rf"[{_CONTROL}]")


class NulByteInRequest(BadRequest):
    """A NUL byte in the URL, the query string, the form or a JSON body (answered 400)."""


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False


def request_has_nul() -> bool:
    query = request.query_string.decode("latin-1")
    if "\x00" in request.path or "%00" in query or "\x00" in query:
        return True  # the arguments are decoded from the query string: nothing else to look at
    if not (request.content_length or request.headers.get("Transfer-Encoding")):
        return False  # no body: no form, no file, no JSON (most requests: parsing them cost)
    for key, values in request.form.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    if any("\x00" in (f.filename or "") for f in request.files.values()):
        return True
    if request.is_json:
        return contains_nul(request.get_json(silent=True))
    return False


def refuse_nul_bytes():
    """``before_request``: refuse the whole request before any view or form reads it."""
    if request_has_nul():
        raise NulByteInRequest()


def _no_control_in_line(form, field):
    if isinstance(field.data, str) and CONTROL_IN_LINE_RE.search(field.data):
        raise ValidationError(_l("This text contains invisible control characters or line breaks: "
                                 "please type it again without them."))


def _no_control_in_text(form, field):
    if isinstance(field.data, str) and CONTROL_IN_TEXT_RE.search(field.data):
        raise ValidationError(_l("This text contains invisible control characters: please type it again "
                                 "without them."))


def _integer_fits(form, field):
    if isinstance(field.data, int) and not INT_MIN <= field.data <= INT_MAX:
        raise ValidationError(_l("This number is too large."))


def _date_in_calendar(form, field):
    value = field.data
    if isinstance(value, date) and not DATE_MIN <= (value.date() if hasattr(value, "date") else value) <= DATE_MAX:
        raise ValidationError(_l("Give a date between %(first)s and %(last)s.",
                                 first=DATE_MIN.year, last=DATE_MAX.year))


def _at_most(limit: int):
    def check(form, field):
        if isinstance(field.data, str) and len(field.data) > limit:
            raise ValidationError(_l("At most %(n)d characters.", n=limit))

    return check


def shared_validators(field, text_limit: int | None = None) -> list:
    """The validators every field of its kind gets, whatever its form says."""
    if isinstance(field, HiddenField):
        return []  # carries addresses and ids the views check themselves (see ptcc.web.redirects)
    if isinstance(field, TextAreaField):
        return [_no_control_in_text]
    if isinstance(field, StringField):  # also e-mail, search and password fields
        return [_no_control_in_line] + ([_at_most(text_limit)] if text_limit else [])
    if isinstance(field, IntegerField):
        return [_integer_fits]
    if isinstance(field, (DateField, DateTimeField)):
        return [_date_in_calendar]
    return []
