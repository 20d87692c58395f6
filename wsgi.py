"""The WSGI entry point: ``gunicorn -c config/gunicorn.conf.py wsgi:app``.

Configuration comes from ``PTCC_CONFIG`` (a Python file such as
``config/production.example.py``) and ``PTCC_*`` environment variables.
"""

from ptcc.app import create_app

app = create_app()
