"""Development settings, as a file: ``PTCC_CONFIG=config/development.example.py ptcc run``.

Copy it (for instance to ``config/development.py``, which you keep out of git) and change
what you need. PTCC reads, in this order: the defaults in ``ptcc/config.py``, this file,
then ``PTCC_*`` environment variables — so the environment always wins over the file.
Only UPPER-CASE names are settings; anything else in this file is ignored.

Nothing here is required: without any file PTCC already runs in development mode with
one SQLite database per territory under ``instance/databases/``.
"""

#: "development": no HSTS, cookies also over plain http, a secret key generated in the
#: instance folder (``instance/secret_key``) when none is given.
PTCC_ENV = "development"

#: One folder per territory, each with a ``tenant.toml`` (the demo ones are in the repository).
PTCC_TENANTS_PATH = "tenants"
#: SQLite databases, uploaded logos, the generated secret key and file-backend mail.
PTCC_INSTANCE_PATH = "instance"

#: Empty: one SQLite file per territory. To develop against PostgreSQL instead, one database
#: per territory is created on demand from this template (``{tenant}`` is the slug):
# PTCC_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ptcc_dev_{tenant}"
PTCC_DATABASE_URL = ""

#: ``localhost`` lists the territories and serves each one under ``/t/<slug>/``;
#: ``lyon.localhost`` also works directly in most browsers.
PTCC_PLATFORM_HOSTS = ["localhost", "127.0.0.1"]
PTCC_PATH_PREFIX = True
PTCC_PLATFORM_URL = "http://localhost:5000"
PTCC_PUBLIC_SCHEME = "http"

#: "console" prints every e-mail on the server's terminal; "file" writes one .eml per
#: message under ``<instance>/mail/`` (handy to click the links of a verification mail).
PTCC_MAIL_BACKEND = "console"
#: Send a request's e-mails as soon as it ends, instead of waiting for ``ptcc outbox run``.
PTCC_OUTBOX_INLINE = True

#: Rate limits are kept in memory: fine for one process.
PTCC_REDIS_URL = ""
