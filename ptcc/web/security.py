"""Security headers on every response."""

from __future__ import annotations

from flask import current_app, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


#: What a page or a JSON answer is; stylesheets, images and calendars keep their own caching.
PERSONAL_MIMETYPES = {"text/html", "application/json"}


def set_security_headers(response):
    headers = response.headers
    if "_user_id" in session and response.mimetype in PERSONAL_MIMETYPES and "Cache-Control" not in headers:
        # Pages of a signed-in person carry their name, their dashboard, their data: no browser
        # or proxy may keep a copy that the next person at the same computer would see.
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config["PTCC_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response
