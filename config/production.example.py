"""Production settings, as a file: ``PTCC_CONFIG=/etc/ptcc/production.py``.

Copy this file, adapt it, and point ``PTCC_CONFIG`` at the copy for every process that
runs PTCC: gunicorn (``gunicorn -c config/gunicorn.conf.py wsgi:app``), ``ptcc db upgrade``
and the ``ptcc outbox run`` timer. PTCC reads, in this order: the defaults in
``ptcc/config.py``, this file, then ``PTCC_*`` environment variables (the environment
always wins). Only UPPER-CASE names are settings.

Secrets do not belong in this file: give them through the environment, e.g. in a
systemd ``EnvironmentFile=`` readable by the service account only:

    PTCC_SECRET_KEY=<python -c "import secrets; print(secrets.token_urlsafe(48))">
    PTCC_SMTP_PASSWORD=...

Deployment checklist:

1. PostgreSQL: one database per territory, named from ``PTCC_DATABASE_URL`` below. The
   role needs CREATEDB (``ptcc tenant create`` creates the database) or create the
   databases yourself beforehand. With many territories put PgBouncer in front: each
   territory keeps a small pool (``PTCC_DB_POOL_SIZE`` + ``PTCC_DB_MAX_OVERFLOW``) per worker.
2. Redis: rate limits of sign-in must be shared between gunicorn workers and hosts.
3. ``ptcc db upgrade`` after every deployment (it migrates every territory and reports
   failures per territory, exit code 1 if any failed).
4. ``ptcc outbox run`` every minute (cron or a systemd timer): it sends queued e-mails
   and retries failed ones with back-off.
5. A reverse proxy (nginx, Caddy, HAProxy) terminates TLS and passes the ``Host`` header
   unchanged (the territory is chosen from it) and ``X-Forwarded-Proto``.
"""

#: Turns on HSTS, ``Secure`` cookies and https links, and refuses to start without
#: ``PTCC_SECRET_KEY``.
PTCC_ENV = "production"

#: One ``<slug>/tenant.toml`` per territory; ``ptcc tenant create`` writes here, so the
#: service account running that command needs write access.
PTCC_TENANTS_PATH = "/etc/ptcc/tenants"
#: Uploaded logos (and mail files if PTCC_MAIL_BACKEND = "file"); keep it backed up.
PTCC_INSTANCE_PATH = "/var/lib/ptcc"

#: PostgreSQL, one database per territory: ``{tenant}`` becomes the slug (dashes become
#: underscores), e.g. ptcc_lyon, ptcc_broceliande. A territory's tenant.toml may override
#: it with its own ``database_url`` (another server, for instance).
PTCC_DATABASE_URL = "postgresql+psycopg://ptcc@127.0.0.1:5432/ptcc_{tenant}"
PTCC_DB_POOL_SIZE = 2
PTCC_DB_MAX_OVERFLOW = 3
#: Territories whose engine (and pool) stays open at once in each worker.
PTCC_ENGINE_CACHE_SIZE = 32

#: Redis for the sign-in rate limits, shared by every worker and host.
PTCC_REDIS_URL = "redis://127.0.0.1:6379/0"
# One reverse proxy (nginx) in front: the client address comes from its X-Forwarded-For,
# so that sign-in limits count per visitor rather than for the proxy as a whole.
PTCC_TRUSTED_PROXIES = 1

#: Every territory has its own host name: no ``/t/<slug>/`` paths in production.
PTCC_PATH_PREFIX = False
#: Hosts that answer the platform page (the list of territories) and ``/healthz`` for the
#: load balancer's checks; add the portal's own name if it has one.
PTCC_PLATFORM_HOSTS = ["localhost", "127.0.0.1"]
PTCC_PLATFORM_URL = "https://ptcc.example.org"
#: Links in e-mails use https.
PTCC_PUBLIC_SCHEME = "https"

#: Mail goes out through SMTP; the password comes from the environment (PTCC_SMTP_PASSWORD).
PTCC_MAIL_BACKEND = "smtp"
PTCC_MAIL_FROM = "PTCC <no-reply@ptcc.example.org>"
PTCC_SMTP_HOST = "smtp.example.org"
PTCC_SMTP_PORT = 587
PTCC_SMTP_STARTTLS = True
PTCC_SMTP_USER = "no-reply@ptcc.example.org"
PTCC_SMTP_TIMEOUT = 10
#: Requests never send mail themselves: the ``ptcc outbox run`` timer does.
PTCC_OUTBOX_INLINE = False

#: Cookies only over https (also implied by PTCC_ENV = "production").
SESSION_COOKIE_SECURE = True
