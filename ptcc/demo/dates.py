"""Dates of demo content, relative to the day the demo is built.

Text that names a weekday ("samedi de 10 h à 18 h") must fall on that weekday, whatever
day ``ptcc demo`` runs: such dates are "the first Saturday at least 30 days from today".
"""

from __future__ import annotations

from datetime import date, timedelta

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)


def demo_day(today: date, offset) -> date:
    """``today`` plus ``offset`` days; for ``(days, weekday)``, the first ``weekday`` on or
    after ``today`` plus ``days``."""
    if isinstance(offset, tuple):
        days, weekday = offset
        start = today + timedelta(days=days)
        return start + timedelta(days=(weekday - start.weekday()) % 7)
    return today + timedelta(days=offset)
