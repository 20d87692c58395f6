"""Signing in like a browser: the login page's CSRF token, then the form, then the session cookie.

The dashboard needs a signed-in person. wrk replays a ``Cookie`` header, so the cookie is
obtained once from the running server; the in-process pass signs in with Flask's test client.
"""

from __future__ import annotations

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from ptcc.demo.content import DEMO_PASSWORD

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN_PATH = "/account/login"


class SignInError(RuntimeError):
    pass


def _csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise SignInError("the login page carries no CSRF token")
    return match.group(1)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def session_cookie_header(port: int, host: str, email: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in on the server at 127.0.0.1:port as ``email``; returns a ``Cookie`` header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", LOGIN_PATH, headers={"Host": host})
        page = conn.getresponse()
        html = page.read().decode("utf-8", "replace")
        if page.status != 200:
            raise SignInError(f"GET {LOGIN_PATH} answered {page.status}")
        cookies = _cookies(page)
        conn.close()
        body = urlencode({"csrf_token": _csrf(html), "email": email, "password": password, "next": ""})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", LOGIN_PATH, body=body, headers={
            "Host": host, "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 302:
            raise SignInError(f"POST {LOGIN_PATH} as {email} answered {answer.status}, not a redirect")
        cookies.update(_cookies(answer))
        return "; ".join(f"{k}={v}" for k, v in cookies.items())
    finally:
        conn.close()


def sign_in_test_client(client, host: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign a Flask test client in; its cookie jar keeps the session."""
    base = f"http://{host}"
    page = client.get(LOGIN_PATH, base_url=base)
    if page.status_code != 200:
        raise SignInError(f"GET {LOGIN_PATH} answered {page.status_code}")
    answer = client.post(LOGIN_PATH, base_url=base, data={
        "csrf_token": _csrf(page.get_data(as_text=True)), "email": email, "password": password, "next": ""})
    if answer.status_code != 302:
        raise SignInError(f"POST {LOGIN_PATH} as {email} answered {answer.status_code}, not a redirect")
