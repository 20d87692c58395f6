"""The territory-wide activity stream that pillars and plugins write to.

A plugin declares its kinds with the ``ptcc_activity_types`` hook and writes
with ``ptcc.activity.services.publish``; the ``/activity`` page shows the
entries whose kind belongs to a plugin enabled in the territory.
"""
