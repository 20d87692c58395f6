"""What each endpoint accepts, found by using the app rather than by reading it.

The discovery pass, as each of alpha's identities (administrator, organisation
owner, visitor), GETs every page and POSTs every POST route once, while

- ``wtforms.Form.__init__`` is wrapped to record which form classes each endpoint
  instantiates, and whether the form reads the request's body (FlaskForm's
  automatic form data) or its query string (``Form(request.args)``);
- ``request.args`` records the parameter names the views ask for;
- the pages' HTML forms are parsed: GET forms give query parameters (search,
  filters), POST forms give the raw inputs a view reads without a form class
  (``decision``, ``next``...) and their sample values.

Field names and kinds then come from the form classes' fields.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

import wtforms
from flask import has_request_context, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.utils import cached_property
from wtforms.csrf.core import CSRFTokenField
from wtforms.form import Form

from tests.hostile.world import IDENTITIES
from tests.isolation.framework import PASSWORD

#: Parameters every list or form page may be sent, whether or not it reads them.
GENERIC_QUERY = {"page": "integer", "per_page": "integer", "q": "text", "next": "text"}


@dataclass(frozen=True)
class FieldSpec:
    #: "text", "integer", "date", "boolean", "choice", "multichoice" or "file".
    kind: str
    #: The values a choice accepts, as sent on the wire.
    choices: tuple[str, ...] = ()
    #: A valid value (a tuple for several values); None leaves the field out.
    baseline: str | tuple[str, ...] | None = None


@dataclass
class EndpointSurface:
    #: Wire name -> spec, for the request body.
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    #: Parameter name -> spec, for the query string.
    query: dict[str, FieldSpec] = field(default_factory=dict)
    #: Names of the form classes seen (for reports).
    form_classes: set[str] = field(default_factory=set)
    #: Who can use the endpoint, as discovery found (sign-up is a visitor's, an
    #: organisation's profile its owner's): baselines and sweeps are sent as this identity.
    identity: str = "admin"


@dataclass
class Surface:
    endpoints: dict[str, EndpointSurface]
    #: The GET routes that list or show alpha's content to its administrator (pages,
    #: calendars, datasets, API; changing nothing), read after each accepted hostile write.
    content_pages: list

    def of(self, endpoint: str) -> EndpointSurface:
        return self.endpoints.setdefault(endpoint, _with_generic_query(EndpointSurface()))


def _with_generic_query(surface: EndpointSurface) -> EndpointSurface:
    for name, kind in GENERIC_QUERY.items():
        surface.query.setdefault(name, FieldSpec(kind, baseline="1" if kind == "integer" else ""))
    return surface


# --- recording forms and parameters -------------------------------------------------------


@dataclass
class Recorder:
    #: (endpoint, "body" | "query", form instance), in the order the views built them.
    forms: list = field(default_factory=list)
    #: endpoint -> names the view read from ``request.args``.
    arguments: dict[str, set[str]] = field(default_factory=dict)

    @contextmanager
    def installed(self, app):
        original_init = Form.__init__
        recorder = self

        def recording_init(form, formdata=None, *args, **kwargs):
            original_init(form, formdata, *args, **kwargs)
            if has_request_context() and request.url_rule is not None:
                source = _formdata_source(formdata)
                if source:
                    recorder.forms.append((request.url_rule.endpoint, source, form))

        class RecordingArgs(ImmutableMultiDict):
            def _note(self, key):
                if has_request_context() and request.url_rule is not None:
                    recorder.arguments.setdefault(request.url_rule.endpoint, set()).add(key)

            def __getitem__(self, key):
                self._note(key)
                return super().__getitem__(key)

            def __contains__(self, key):
                self._note(key)
                return super().__contains__(key)

            def get(self, key, default=None, type=None):
                self._note(key)
                return super().get(key, default, type)

            def getlist(self, key, type=None):
                self._note(key)
                return super().getlist(key, type)

        base_request = app.request_class

        class RecordingRequest(base_request):
            @cached_property
            def args(self):
                return RecordingArgs(super().args)

        app.request_class = RecordingRequest
        try:
            with mock.patch.object(Form, "__init__", recording_init):
                yield self
        finally:
            app.request_class = base_request


def _formdata_source(formdata) -> str | None:
    """"body" for a form filled from the request body (FlaskForm's automatic form data is
    a sentinel without ``getlist``), "query" for ``Form(request.args)``, None for a form
    only displayed (``formdata=None``)."""
    if formdata is None:
        return None
    if formdata is request.args:
        return "query"
    if not hasattr(formdata, "getlist") or formdata is request.form:
        return "body"
    return None


def field_kind(form_field) -> str:
    if isinstance(form_field, wtforms.FileField) or isinstance(form_field, wtforms.MultipleFileField):
        return "file"
    if isinstance(form_field, wtforms.BooleanField):
        return "boolean"
    if isinstance(form_field, (wtforms.IntegerField, wtforms.DecimalField, wtforms.FloatField)):
        return "integer"
    if isinstance(form_field, (wtforms.DateTimeField, wtforms.DateField, wtforms.TimeField)):
        return "date"
    if isinstance(form_field, wtforms.SelectMultipleField):
        return "multichoice"
    if isinstance(form_field, wtforms.SelectField):
        return "choice"
    return "text"


def _choices(form_field) -> tuple[str, ...]:
    try:
        return tuple(str(choice[0]) for choice in form_field.iter_choices())
    except Exception:  # choices the view has not set yet
        return ()


def _plausible(form_field, kind: str, choices: tuple[str, ...]) -> str | tuple[str, ...] | None:
    """A value a person would type, for a field the page showed empty."""
    if kind == "choice":
        return next((c for c in choices if c), None)
    if kind == "multichoice":
        return tuple(choices[:1])
    if kind == "integer":
        return "2"
    if kind == "date":
        return (date.today() + timedelta(days=30)).isoformat()
    if kind in ("boolean", "file"):
        return None
    if isinstance(form_field, wtforms.EmailField):
        return "someone-new@example.org"
    if isinstance(form_field, wtforms.PasswordField):
        return PASSWORD
    return "Written by the hostile suite"


def _current(form_field, kind: str):
    """The value the page showed, as a browser would post it back."""
    if kind == "boolean":
        return "y" if form_field.data else None
    if kind == "multichoice":
        return tuple(str(value) for value in (form_field.data or ()))
    if kind == "file":
        return None
    if kind == "choice":
        return "" if form_field.data is None else str(form_field.data)
    value = form_field._value()
    return value if isinstance(value, str) else str(value)


def specs_of(form) -> dict[str, FieldSpec]:
    specs = {}
    for form_field in form:
        if isinstance(form_field, CSRFTokenField):
            continue
        kind = field_kind(form_field)
        choices = _choices(form_field) if kind in ("choice", "multichoice") else ()
        baseline = _current(form_field, kind)
        # What the page showed is valid as it is, except an empty required field or a
        # choice the page did not offer (a form built for a POST shows nothing).
        if (kind == "choice" and baseline not in choices) or (not baseline and form_field.flags.required):
            baseline = _plausible(form_field, kind, choices)
        specs[form_field.name] = FieldSpec(kind, choices, baseline)
    return specs


# --- HTML forms ---------------------------------------------------------------------------


@dataclass
class HtmlForm:
    method: str
    action: str
    #: name -> (input type, values seen: option values, a hidden input's or a button's value)
    inputs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page, their inputs and the values they offer."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            # A form without an action posts to its own page.
            self._form = HtmlForm(attributes.get("method", "get").upper(), attributes.get("action") or self.page_path)
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag in ("input", "button", "textarea") and name:
            kind = attributes.get("type", "text" if tag != "textarea" else "textarea")
            self._add(name, kind, attributes.get("value"))
        elif tag == "select" and name:
            self._select = name
            self._add(name, "select", None)
        elif tag == "option" and self._select:
            self._add(self._select, "select", attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def _add(self, name: str, kind: str, value: str | None):
        _kind, values = self._form.inputs.setdefault(name, (kind, []))
        if value is not None and value not in values:
            values.append(value)


HTML_INPUT_KINDS = {"checkbox": "boolean", "file": "file", "number": "integer", "date": "date",
                    "select": "choice", "radio": "choice", "submit": "choice"}


def _html_spec(kind: str, values: list[str]) -> FieldSpec:
    spec_kind = HTML_INPUT_KINDS.get(kind, "text")
    choices = tuple(values) if spec_kind == "choice" else ()
    return FieldSpec(spec_kind, choices, values[0] if values else None)


# --- the pass -----------------------------------------------------------------------------


def discover(world, routes) -> Surface:
    """Drive every route once as each of alpha's identities (a page may be an owner's,
    or a visitor's only, like sign-up) and say what each one accepts. GETs come first,
    so that forms are seen showing the seeded objects. Leaves the world dirty: the caller
    restores it."""
    app = world.app
    adapter = app.url_map.bind("alpha.test")
    recorder = Recorder()
    html_forms: list[HtmlForm] = []
    content_pages: list = []
    #: endpoint -> (identity, built a body form, status) of each discovery request
    answers: dict[str, list[tuple[str, bool, int]]] = {}
    ordered = [(method, identity, route) for method in ("GET", "POST")
               for identity in IDENTITIES for route in routes if (route.method == "GET") == (method == "GET")]
    with recorder.installed(app):
        for method, identity, route in ordered:
            path = world.path(route, "alpha")
            client = world.client(identity, "host")
            before = world.digests(refresh=True)
            forms_before = len(recorder.forms)
            if route.method == "GET":
                response = client.get(path, buffered=True)
            else:
                response = client.client.open(path, method=route.method, base_url=client.base_url, buffered=True,
                                              data={"csrf_token": world.browser(identity).csrf_token})
            changed = world.digests(refresh=True) != before
            built_form = any(source == "body" for _endpoint, source, _form in recorder.forms[forms_before:])
            answers.setdefault(route.endpoint, []).append((identity, built_form, response.status_code))
            if response.mimetype == "text/html":
                parser = FormParser(path)
                parser.feed(response.get_data(as_text=True))
                html_forms.extend(parser.forms)
            if identity == "admin" and route.method == "GET" and response.status_code == 200 and not changed:
                content_pages.append(route)

    endpoints: dict[str, EndpointSurface] = {}

    def surface_of(endpoint: str) -> EndpointSurface:
        return endpoints.setdefault(endpoint, EndpointSurface())

    # Form classes first: GET instances carry the page's current values, so they come
    # before the (empty) POST instances of the same endpoint.
    for endpoint, source, form in recorder.forms:
        surface = surface_of(endpoint)
        surface.form_classes.add(type(form).__name__)
        target = surface.fields if source == "body" else surface.query
        for name, spec in specs_of(form).items():
            target.setdefault(name, spec)
    for form in html_forms:
        endpoint = _endpoint_of(adapter, form)
        if endpoint is None:
            continue
        target = surface_of(endpoint).fields if form.method == "POST" else surface_of(endpoint).query
        for name, (kind, values) in form.inputs.items():
            if not name.endswith("csrf_token"):  # prefixed forms carry "<prefix>-csrf_token"
                target.setdefault(name, _html_spec(kind, values))
    for endpoint, names in recorder.arguments.items():
        for name in names:
            surface_of(endpoint).query.setdefault(name, FieldSpec(GENERIC_QUERY.get(name, "text"), baseline=""))
    for route in routes:
        _apply_isolation_form(surface_of(route.endpoint), world.form_example(route.endpoint))
    for endpoint, seen in answers.items():
        surface_of(endpoint).identity = _furthest_identity(seen)
    for surface in endpoints.values():
        _with_generic_query(surface)
    return Surface(endpoints, content_pages)


def _furthest_identity(seen: list[tuple[str, bool, int]]) -> str:
    """The identity that got furthest: it built a form from the body, else was answered,
    else refused only for its (empty) input, else redirected (to sign in), else refused."""
    def progress(answer):
        identity, built, status = answer
        refusal = 0 if status < 300 else 1 if status in (400, 409, 422) else 2 if status < 400 else 3
        return (not built, refusal, IDENTITIES.index(identity))

    return min(seen, key=progress)[0] if seen else IDENTITIES[0]


def _endpoint_of(adapter, form: HtmlForm) -> str | None:
    path = urlsplit(form.action).path
    if not path:
        return None
    try:
        endpoint, _values = adapter.match(path, method=form.method)
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


def _apply_isolation_form(surface: EndpointSurface, example: dict) -> None:
    """The isolation case's valid form (written by hand, realistic) wins as the baseline
    of the fields discovery found (of every field, where it found none)."""
    discovered = set(surface.fields)
    for name, value in example.items():
        if name == "csrf_token" or (discovered and name not in discovered):
            continue
        baseline = tuple(value) if isinstance(value, (list, tuple)) else str(value)
        spec = surface.fields.get(name) or FieldSpec("text")
        surface.fields[name] = FieldSpec(spec.kind, spec.choices, baseline)
