"""Dates as people write them: "1er janvier" in French, "1 January" in English."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from flask import render_template_string
from flask_babel import force_locale

from ptcc.i18n import format_day, format_moment, formatted_date, formatted_datetime


@pytest.mark.parametrize("fmt, french, english", [
    ("medium", "1er janv. 2027", "1 Jan 2027"),
    ("long", "1er janvier 2027", "1 January 2027"),
    ("full", "vendredi 1er janvier 2027", "Friday, 1 January 2027"),
    ("short", "01/01/2027", "01/01/2027"),  # numeric: no ordinal
])
def test_the_first_of_the_month(fmt, french, english):
    assert format_day(date(2027, 1, 1), fmt, "fr") == french
    assert format_day(date(2027, 1, 1), fmt, "en") == english


def test_other_days_have_no_ordinal():
    assert format_day(date(2027, 1, 11), "long", "fr") == "11 janvier 2027"  # "11", not "11er" nor "1er1"
    assert format_day(date(2027, 1, 21), "full", "fr") == "jeudi 21 janvier 2027"
    assert format_day(date(2027, 1, 11), "long", "en") == "11 January 2027"


def test_the_ordinal_follows_the_day_in_the_territorys_time_zone():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in Paris
    assert format_moment(new_year, "long", "fr", paris).startswith("1er janvier 2027, 00:30")
    assert format_moment(new_year, "medium", "en", paris) == "1 Jan 2027, 00:30:00"
    assert format_moment(new_year, "medium", "fr", ZoneInfo("UTC")) == "31 déc. 2026, 23:30:00"
    assert format_day(new_year, "long", "fr", paris) == "1er janvier 2027"


def test_template_filters_in_a_territory_page(app):
    template = "{{ day|date('long') }}|{{ moment|datetime('long') }}|{{ other|date('full') }}"
    values = {"day": date(2027, 5, 1), "moment": datetime(2027, 5, 1, 8, 0, tzinfo=timezone.utc),
              "other": date(2027, 5, 8)}
    with app.test_request_context(headers={"Host": "alpha.test", "Accept-Language": "fr"}):
        day, moment, other = render_template_string(template, **values).split("|")
        assert day == "1er mai 2027" and moment.startswith("1er mai 2027, 10:00:00")
        assert other == "samedi 8 mai 2027"
        with force_locale("en"):
            assert formatted_date(date(2027, 5, 1), "long") == "1 May 2027"
            assert formatted_datetime(datetime(2027, 5, 1, 8, 0, tzinfo=timezone.utc), "short") == "01/05/2027, 10:00"
