"""Hostile-input tests: every route and form of the app, driven with hypothesis.

Nothing here names a route or a form, so a new one, core or plugin, is covered
without a new test:

- ``routes``: every rule and method of the URL map (one test id each);
- ``surface``: the forms and query parameters the views really use, found by a
  discovery pass (form classes recorded as views build them, ``request.args``
  reads, the pages' HTML forms);
- ``world``: alpha and beta seeded by the isolation suite's ``seed()``, alpha's
  browsers signed in, every row's digest, the seeded rows put back after a write;
- ``payloads``: hostile values (hypothesis strategies);
- ``examples``, ``strategies``, ``sending``: a hostile request, how hypothesis draws
  one for a route (plus fixed sweeps: one payload in every position of its kind),
  and how it goes on the wire;
- ``checks`` and ``drive``: the rules every answer must respect, and one example
  from end to end.

Run (both backends; ``--ptcc-backends sqlite`` for quick loops)::

    PTCC_TEST_DB_SUFFIX=_hostile .venv/bin/pytest -p no:cacheprovider tests/hostile \\
        [--hostile-examples 100] [--hostile-seed 7] [--hostile-report failures.json]

``--hostile-examples`` is the number of drawn examples per route and method on top
of the sweeps (default in ``tests/conftest.py``); ``PTCC_HOSTILE_TRACE=300`` prints
every example's status and input.
"""
