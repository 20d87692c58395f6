"""Demo territories for ``ptcc demo``: content in ``content.py``, writing in ``builder.py``."""
