"""How a hostile request goes on the wire, through alpha's test client."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from werkzeug.datastructures import MultiDict

from tests.hostile.examples import GARBAGE_TOKEN, HostileRequest, JsonValue, Raw, Seeded
from tests.hostile.payloads import Upload
from tests.hostile.routes import Route
from tests.hostile.world import ACTING, OTHER, World


def _encode(value) -> list[str]:
    if isinstance(value, tuple):
        return [part for item in value for part in _encode(item)]
    if isinstance(value, Raw):
        return [value.text]
    return [quote_plus(str(value))]


def urlencode(pairs) -> str:
    return "&".join(f"{quote_plus(name)}={encoded}" for name, value in pairs for encoded in _encode(value))


def _path_segment(value, seeded: object, argument) -> str:
    if isinstance(value, Raw):
        return value.text
    text = str(seeded if isinstance(value, Seeded) else value)
    return quote(text, safe="/" if argument.kind == "path" else "")


def _csrf_token(world: World, request: HostileRequest) -> str | None:
    own = world.browser(request.identity)
    if request.csrf == "valid":
        return own.csrf_token
    if request.csrf == "garbage":
        return GARBAGE_TOKEN
    if request.csrf == "other-territory":
        return world.browser("anonymous", OTHER).csrf_token
    if request.csrf == "other-session":
        other = "anonymous" if request.identity != "anonymous" else "admin"
        return world.browser(other).csrf_token
    return None


def _json_ready(value):
    if isinstance(value, JsonValue):
        return value.value
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, tuple):
        return [_json_ready(item) for item in value]
    return value


def _multipart(fields) -> MultiDict:
    data = MultiDict()
    for name, value in fields:
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Upload):
                data.add(name, (io.BytesIO(item.content), item.filename, item.content_type))
            else:
                data.add(name, item.text if isinstance(item, Raw) else str(item))
    return data


@dataclass(frozen=True)
class Prepared:
    """A request ready to go: the client carrying the sender's cookie, the URL, the body."""

    client: object
    url: str
    options: dict

    def send(self):
        return self.client.client.open(self.url, **self.options)


def prepare(world: World, route: Route, request: HostileRequest) -> Prepared:
    client = world.client(request.identity, request.mode)
    seeded = {territory: world.url_values(route.endpoint, territory, route.arguments)
              for territory in (ACTING, OTHER)}
    arguments = {argument.name: argument for argument in route.arguments}
    path = route.path({name: _path_segment(value, seeded[value.territory][name] if isinstance(value, Seeded)
                                           else None, arguments[name])
                       for name, value in request.path_values})
    url = client.url(path) + (f"?{urlencode(request.query)}" if request.query else "")
    headers = {"Accept": "application/json"} if request.accept == "json" else {}
    # Buffered: a streamed body (CSV, JSON datasets) is read and closed inside the request.
    options: dict = {"method": request.method, "base_url": client.base_url, "headers": headers, "buffered": True}
    if request.method != "GET":
        token = _csrf_token(world, request)
        fields = ((("csrf_token", token),) if token else ()) + request.fields
        if request.encoding == "urlencoded":
            options.update(data=urlencode(fields), content_type="application/x-www-form-urlencoded")
        elif request.encoding == "multipart":
            options.update(data=_multipart(fields), content_type="multipart/form-data")
        else:
            document = {name: _json_ready(value) for name, value in fields}
            if token:  # CSRFProtect reads a JSON request's token from the header
                headers["X-CSRFToken"] = token
            body = {"json": json.dumps(document), "json-array": json.dumps(list(document.items())),
                    "broken-json": json.dumps(document)[:-1] + ",}"}[request.encoding]
            options.update(data=body, content_type="application/json")
    return Prepared(client, url, options)
