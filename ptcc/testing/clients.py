"""A test client bound to one territory's host, that knows how to post a form."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def extract_csrf(html: str) -> str | None:
    match = CSRF_RE.search(html)
    return match.group(1) if match else None


class TerritoryClient:
    """Wraps a Flask test client; every request goes to ``http://<host><prefix>``."""

    def __init__(self, flask_client, host: str, prefix: str = ""):
        self.client = flask_client
        self.host = host
        self.prefix = prefix

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def url(self, path: str) -> str:
        return self.prefix + path

    def get(self, path: str, **kwargs):
        return self.client.get(self.url(path), base_url=self.base_url, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(self.url(path), base_url=self.base_url, **kwargs)

    def csrf_token(self) -> str:
        """A token of this client's session: from the home page when signed in (the sign-out
        form), from the sign-in page otherwise (signed-out pages carry none)."""
        token = extract_csrf(self.get("/").get_data(as_text=True))
        if token is None:
            token = extract_csrf(self.get("/account/login").get_data(as_text=True))
        assert token, "neither the home page nor the sign-in page carries a CSRF token"
        return token

    def submit(self, path: str, data: dict | None = None, **kwargs):
        """POST with a valid CSRF token of this territory's session."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(path, data=data, **kwargs)

    def login(self, email: str, password: str):
        response = self.submit("/account/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.submit("/account/logout")
