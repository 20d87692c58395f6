"""Error pages: a clear message in the person's language, never a stack trace."""

from __future__ import annotations

import logging

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException

from ptcc.errors import NotFound, PermissionDenied
from ptcc.extensions import db
from ptcc.tenancy import NoTenantError
from ptcc.web.input import NulByteInRequest

log = logging.getLogger(__name__)


def _messages():
    return {
        400: (_("Bad request"), _("The request could not be understood. Nothing was changed.")),
        403: (_("Access denied"), _("You are not allowed to do this.")),
        404: (_("Page not found"), _("This page does not exist here.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        409: (_("Changed meanwhile"),
              _("Someone changed the same thing at the same moment. Nothing of yours was saved; please try again.")),
        413: (_("Too large"), _("The file you sent is too large.")),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a few minutes and try again.")),
        500: (_("Something went wrong"), _("An unexpected error happened. Nothing was changed; please try again.")),
        503: (
            _("Territory unavailable"),
            _("This territory's database is not ready. An operator must run “ptcc db upgrade”."),
        ),
    }


def render_error(code: int, detail: str | None = None):
    title, message = _messages().get(code, _messages()[500])
    wants_json = request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"
    if wants_json:
        return {"error": title, "message": detail or message}, code
    return render_template("web/error.html", code=code, title=title, message=detail or message), code


def _rollback():
    try:
        db.session.rollback()
    except Exception:  # the session may be unusable outside a territory
        pass


def register_error_handlers(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(NulByteInRequest)
    def nul_byte(exc):
        return render_error(400, _("The request contains a NUL character, which no text may contain. "
                                   "Nothing was changed."))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(400, _("The form has expired or did not come from this site. Please try again."))

    @app.errorhandler(PermissionDenied)
    def permission_denied(exc):
        _rollback()
        return render_error(403, exc.message)

    @app.errorhandler(NotFound)
    def not_found(exc):
        _rollback()
        return render_error(404)

    @app.errorhandler(NoTenantError)
    def no_tenant(exc):
        return render_error(404)

    @app.errorhandler(IntegrityError)
    def conflict(exc):
        # Services check uniqueness first; this is the race they cannot see (two requests
        # taking the same slug at once). The transaction is rolled back, so nothing is half-saved.
        _rollback()
        log.warning("integrity error, answered 409: %s", exc.orig)
        return render_error(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(ProgrammingError)
    def database_not_ready(exc):
        _rollback()
        log.exception("database error")
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(exc):
        _rollback()
        log.exception("unhandled error")
        return render_error(500)
