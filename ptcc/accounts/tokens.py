"""Signed, expiring tokens for e-mailed links.

The salt names the territory and the purpose: a link made for one territory, or
for one purpose (verify, reset, invite…), is refused everywhere else even though
every territory shares the same secret key.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from ptcc.tenancy import current_tenant


class BadToken(ValueError):
    """The link is forged, expired, or was made for another territory or purpose."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"ptcc-token|{current_tenant.slug}|{purpose}")


def make_token(purpose: str, data: Any) -> str:
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except BadData as exc:
        raise BadToken(str(exc)) from exc
