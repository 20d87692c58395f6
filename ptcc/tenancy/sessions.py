"""Session cookies signed per territory and scoped to its URL prefix."""

from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


def _site_key() -> str:
    tenant = request.environ.get("ptcc.tenant")
    return tenant.slug if tenant is not None else "-platform-"


class TenantSessionInterface(SecureCookieSessionInterface):
    """A cookie signed for one territory does not verify in another, whatever the key."""

    def __init__(self):
        #: (secret key, territory) -> its serializer: made once, not at every request.
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        key = (app.secret_key, _site_key())
        found = self._serializers.get(key)
        if found is None:
            found = self._serializers[key] = URLSafeTimedSerializer(
                app.secret_key,
                salt=f"ptcc-session|{key[1]}",
                serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
            )
        return found

    def get_cookie_path(self, app) -> str:
        # Under /t/<slug>/ each territory keeps its own cookie instead of overwriting
        # the other's on the shared localhost.
        return (request.script_root or "") + "/"
